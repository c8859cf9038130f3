import {
  Injectable,
  mixin,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { UploadRejectedError } from '@shiming/integrations';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import multer, { MulterError } from 'multer';
import type { Observable } from 'rxjs';
import { MalformedMultipartError, UnexpectedFieldError, UnexpectedFileError } from './edge.errors';

export interface UploadField {
  name: string;
  /** Files read from the field; one more is `unexpected_file`. */
  maxCount: number;
}

/**
 * Reads a multipart upload into memory (`request.files`, by field), within limits,
 * from the request stream (the body parsers leave multipart bodies unread), and turns
 * multer's and its parser's errors into the edge's 422s:
 * `file_too_large`, `unexpected_file` (a field the route does not take, or too many
 * files), `unexpected_field` (a text field: uploads take files only) and
 * `malformed_multipart` (a body that cannot be read). List `IdempotencyInterceptor`
 * after it, so that the files are part of the request's fingerprint.
 */
export function UploadInterceptor(
  fields: UploadField[],
  maxFileBytes: number,
): Type<NestInterceptor> {
  const files = fields.reduce((sum, field) => sum + field.maxCount, 0);
  const read = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxFileBytes, files, fields: 0, parts: files, headerPairs: 20 },
  }).fields(fields);

  @Injectable()
  class Upload implements NestInterceptor {
    async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
      const http = context.switchToHttp();
      const request = http.getRequest<FastifyRequest & { files?: unknown }>();
      // multer reads Node's own request; what it read goes where Nest's decorators look.
      const raw = request.raw as IncomingMessage & { files?: unknown; body?: unknown };
      await new Promise<void>((resolve, reject) =>
        read(
          raw as never,
          http.getResponse<FastifyReply>().raw as ServerResponse as never,
          (error?: unknown) =>
            error ? reject(uploadError(error, maxFileBytes, files)) : resolve(),
        ),
      );
      request.files = raw.files;
      request.body = raw.body;
      return next.handle();
    }
  }
  return mixin(Upload);
}

export function uploadError(error: unknown, maxFileBytes: number, maxFiles: number): unknown {
  if (!(error instanceof MulterError)) {
    // The multipart parser's own errors: no boundary, a truncated body, a broken header.
    return new MalformedMultipartError('The multipart body cannot be read.');
  }
  const field = error.field !== undefined ? { field: error.field } : {};
  switch (error.code) {
    case 'LIMIT_FILE_SIZE':
      return new UploadRejectedError(
        'file_too_large',
        `A file is larger than ${maxFileBytes} bytes.`,
        field,
      );
    case 'LIMIT_UNEXPECTED_FILE':
      return new UnexpectedFileError(
        'This field takes no file, or no more files than were already sent in it.',
        field,
      );
    case 'LIMIT_FILE_COUNT':
    case 'LIMIT_PART_COUNT':
      return new UnexpectedFileError(`This upload takes at most ${maxFiles} files.`, field);
    case 'LIMIT_FIELD_COUNT':
      return new UnexpectedFieldError('An upload takes files only, no text fields.', field);
    default:
      return new MalformedMultipartError('The multipart body cannot be read.');
  }
}
