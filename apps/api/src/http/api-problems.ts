import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, ProblemDetailsDto } from '@shiming/common';
import { STATUS_CODES } from 'node:http';

/** One refusal a route can give: its status, its stable code, and an example's detail. */
export interface ProblemSpec {
  status: number;
  code: string;
  detail: string;
  /** Members beside the standard ones, as the answer carries them. */
  extras?: Record<string, unknown>;
}

export const problem = (
  status: number,
  code: string,
  detail: string,
  extras?: Record<string, unknown>,
): ProblemSpec => ({ status, code, detail, ...(extras ? { extras } : {}) });

/** The example answer of a refusal, as the exception filter writes it. */
export function problemExample(spec: ProblemSpec): Record<string, unknown> {
  return {
    ...spec.extras,
    type: 'about:blank',
    title: STATUS_CODES[spec.status] ?? 'Error',
    status: spec.status,
    code: spec.code,
    detail: spec.detail,
  };
}

/** The OpenAPI response of one status: its codes in the description, an example each. */
export function problemResponse(specs: ProblemSpec[]) {
  const codes = [...new Set(specs.map((spec) => spec.code))];
  return {
    description: `${STATUS_CODES[specs[0].status] ?? 'Error'}: ${codes.map((c) => `\`${c}\``).join(', ')}`,
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: { $ref: getSchemaPath(ProblemDetailsDto) },
        examples: Object.fromEntries(
          specs.map((spec, index) => [
            exampleName(spec, index, specs),
            { summary: spec.detail, value: problemExample(spec) },
          ]),
        ),
      },
    },
  };
}

// Named by code; a code given twice (a case, a document: both not found) gets a number.
function exampleName(spec: ProblemSpec, index: number, all: ProblemSpec[]): string {
  const before = all.slice(0, index).filter((other) => other.code === spec.code).length;
  return before === 0 ? spec.code : `${spec.code}_${before + 1}`;
}

/**
 * Declares the refusals a route gives beyond those every route of its kind gives (the
 * edge's, added to the document by `openapi.ts`): all of them in one call, since a
 * status declared twice on a route keeps only one declaration.
 */
export function ApiProblems(...specs: ProblemSpec[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ProblemSpec[]>();
  for (const spec of specs) byStatus.set(spec.status, [...(byStatus.get(spec.status) ?? []), spec]);
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto),
    ...[...byStatus.entries()].map(([status, group]) =>
      ApiResponse({ status, ...problemResponse(group) }),
    ),
  );
}

// ── refusals many routes share ──────────────────────────────────────────────────

export const VALIDATION_FAILED = problem(
  422,
  'validation_failed',
  'The request has invalid fields.',
  {
    errors: [
      {
        field: 'idNumber',
        code: 'invalid_id_number',
        message: 'idNumber must be an 18-character resident ID number',
      },
    ],
  },
);
export const WRONG_STATE = problem(
  409,
  'wrong_state',
  'ConfirmIdentity is not allowed in state identity_pending.',
  { state: 'identity_pending', command: 'ConfirmIdentity' },
);
export const VERSION_CONFLICT = problem(
  409,
  'version_conflict',
  'The process changed while this step ran; try again.',
);
export const LOCKED = problem(
  423,
  'locked',
  'Identity submission is locked after five wrong payment passwords.',
  {
    lockedUntil: '2026-11-28T12:00:00.000Z',
    retryAfterSeconds: 10800,
  },
);
export const CASE_NOT_FOUND = problem(
  404,
  'not_found',
  'No case 3f0c9a52-5f0e-4a7e-9d0b-2b1c8d7e6f10.',
);
export const CASE_OPENING = problem(
  503,
  'case_opening',
  'The case was asked for a moment ago and is still being opened; try again shortly.',
  { retryAfterSeconds: 1 },
);
export const CASE_ROLE = problem(403, 'forbidden', 'A support agent does not work manual reviews.');
export const OWN_CASE = problem(403, 'own_case', 'Nobody works a case about their own account.');
export const NOT_HOLDER = problem(403, 'not_holder', 'Only the holder of the claim may do this.');
export const CASE_WRONG_STATE = problem(409, 'wrong_state', 'The case is decided.');
export const CALENDAR_OUT_OF_RANGE = problem(
  503,
  'calendar_out_of_range',
  'The due date falls in 2027, which the PRC holiday data does not cover yet.',
);
