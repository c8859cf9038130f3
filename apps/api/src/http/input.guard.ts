import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger';
import type { FieldError } from '@shiming/common';
import type { FastifyRequest } from 'fastify';
import { InvalidInputError, UnsupportedMediaTypeError } from './edge.errors';
import { bodyIs, hasBody, JSON_MEDIA_TYPE } from './request-body';

/** Deeper than any request of ours; deep enough nesting overflows the validator's stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * The last global guard, after authentication and roles: the body is of the type the
 * route takes (`@ApiConsumes`, JSON by default: the document says it, the edge holds
 * to it), and no text in the path, the query or the body holds a NUL, half of a
 * surrogate pair, or nesting deeper than `MAX_JSON_DEPTH`. A guard rather than a pipe,
 * so that it refuses before any interceptor (an idempotency record, an upload) runs.
 */
@Injectable()
export class InputGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const consumes = this.reflector.getAllAndOverride<string[] | undefined>(
      DECORATORS.API_CONSUMES,
      [context.getHandler(), context.getClass()],
    ) ?? [JSON_MEDIA_TYPE];
    if (hasBody(request.raw) && !bodyIs(request.raw, consumes)) {
      throw new UnsupportedMediaTypeError(`This route takes ${consumes.join(' or ')}.`);
    }
    const errors = [
      ...textErrors(request.params),
      ...textErrors(request.query),
      ...textErrors(request.body),
    ];
    if (errors.length > 0) throw new InvalidInputError(errors);
    return true;
  }
}

/**
 * One error per field whose name or text cannot be taken, walking the value without
 * recursion (the value may be nested thousands deep). Fields are dotted paths.
 */
export function textErrors(value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const pending: { value: unknown; path: string; depth: number }[] = [
    { value, path: '', depth: 0 },
  ];
  while (pending.length > 0) {
    const { value: current, path, depth } = pending.pop() as (typeof pending)[number];
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) errors.push({ field: path || 'body', ...problem });
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      errors.push({
        field: path || 'body',
        code: 'too_deeply_nested',
        message: `nested more than ${MAX_JSON_DEPTH} levels deep`,
      });
      continue;
    }
    for (const [key, child] of Object.entries(current)) {
      const childPath = path ? `${path}.${key}` : key;
      const keyProblem = textProblem(key);
      if (keyProblem) {
        errors.push({
          field: path || 'body',
          ...keyProblem,
          message: `a name ${keyProblem.message}`,
        });
        continue;
      }
      pending.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return errors;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(text: string): Omit<FieldError, 'field'> | undefined {
  if (text.includes('\u0000')) return { code: 'nul_character', message: 'has a NUL character' };
  if (LONE_SURROGATE.test(text)) {
    return { code: 'lone_surrogate', message: 'has half of a UTF-16 surrogate pair' };
  }
  return undefined;
}
