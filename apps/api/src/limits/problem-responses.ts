import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, ProblemDetailsDto } from '@shiming/common';

const TITLES: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  409: 'Conflict',
  422: 'Unprocessable Entity',
};

interface ProblemExample {
  code: string;
  detail: string;
  [member: string]: unknown;
}

/**
 * Documents an error answer as `application/problem+json`, with one named example per
 * code the route may answer with.
 */
export function ApiProblem(
  status: number,
  description: string,
  instance: string,
  examples: Record<string, ProblemExample>,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto),
    ApiResponse({
      status,
      description,
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: { $ref: getSchemaPath(ProblemDetailsDto) },
          examples: Object.fromEntries(
            Object.entries(examples).map(([name, example]) => [
              name,
              {
                value: {
                  type: 'about:blank',
                  title: TITLES[status] ?? 'Error',
                  status,
                  instance,
                  ...example,
                },
              },
            ]),
          ),
        },
      },
    }),
  );
}

/** 401 for a missing or bad token, 403 for a token without the route's role. */
export function ApiAuthProblems(instance: string, role: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiProblem(401, 'No valid bearer token', instance, {
      unauthenticated: { code: 'unauthenticated', detail: 'This needs a bearer token.' },
    }),
    ApiProblem(403, `The token lacks the role \`${role}\``, instance, {
      forbidden: { code: 'forbidden', detail: `This needs one of the roles: ${role}.` },
    }),
  );
}
