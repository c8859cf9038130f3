import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDetailsDto } from '@shiming/common';

/** Documents error answers: `application/problem+json` with their stable codes. */
export function ApiProblems(...problems: [status: number, description: string][]) {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto),
    ...problems.map(([status, description]) =>
      ApiResponse({
        status,
        description,
        content: {
          'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsDto) } },
        },
      }),
    ),
  );
}

export const BAD_INPUT: [number, string] = [
  422,
  'Bad input (`validation_failed` with a code per field)',
];
export const WRONG_STATE: [number, string] = [
  409,
  'Not allowed in the current state (`wrong_state`)',
];
export const LOCKED: [number, string] = [
  423,
  'Five wrong payment passwords: locked (`locked`, `lockedUntil`; `Retry-After`)',
];
export const FORBIDDEN: [number, string] = [403, 'Not a `user` token (`forbidden`)'];
