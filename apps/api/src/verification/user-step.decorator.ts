import { applyDecorators, HttpCode, Post, type Type } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Idempotent, IdempotencySecrets } from '@shiming/common';
import { ApiProblems, type ProblemSpec } from '../http/api-problems';
import { RateLimit, type RateLimitClass } from '../http/rate-limit/rate-limit.decorator';
import { StatusDocumentDto } from './dto/status.dto';
import type { StepUpload } from './uploads';

export interface UserStepOptions {
  /** Below `v1/verification`; the collection itself when left out. */
  path?: string;
  /** 200: done at once; 202: its outcome comes later; 201: it creates something. */
  status: 200 | 201 | 202;
  summary: string;
  description?: string;
  /** Its refusals beyond the edge's and its upload's (see ApiProblems). */
  problems: ProblemSpec[];
  /** Classes of tighter limits the step counts against, on top of the default ones. */
  rateLimit?: Exclude<RateLimitClass, 'default'>[];
  /** Body fields left out of the Idempotency-Key fingerprint (see IdempotencySecrets). */
  secrets?: string[];
  /** The files the step takes, as multipart, instead of a JSON body. */
  upload?: StepUpload;
  /** The answer's schema: the status document unless the step answers with something else. */
  answer?: Type<unknown>;
}

const IDEMPOTENCY_KEY = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'Replays the first answer to a retried request (same key and body)',
});

/**
 * One of the account holder's steps: a POST that takes `Idempotency-Key`, answers with
 * the status document (or `answer`) and is documented with its refusals.
 */
export function UserStep(options: UserStepOptions): MethodDecorator {
  const { upload } = options;
  return applyDecorators(
    Post(options.path),
    ...(options.rateLimit ? [RateLimit(...options.rateLimit)] : []),
    HttpCode(options.status),
    // An upload's files are read first, so that they are part of the request's fingerprint.
    upload ? Idempotent(upload.files) : Idempotent(),
    ...(upload ? uploadOf(upload) : []),
    IDEMPOTENCY_KEY,
    ...(options.secrets ? [IdempotencySecrets(...options.secrets)] : []),
    ApiOperation({ summary: options.summary, description: options.description }),
    ApiResponse({ status: options.status, type: options.answer ?? StatusDocumentDto }),
    ApiProblems(...(upload?.problems ?? []), ...options.problems),
  );
}

function uploadOf(upload: StepUpload): MethodDecorator[] {
  return [ApiConsumes('multipart/form-data'), ApiBody(upload.body)];
}
