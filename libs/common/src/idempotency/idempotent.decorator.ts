import {
  applyDecorators,
  RequestMethod,
  SetMetadata,
  UseInterceptors,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { IDEMPOTENCY_NOT_STORED } from './idempotency-secrets.decorator';
import { IdempotencyInterceptor } from './idempotency.interceptor';

export const IDEMPOTENT = 'shiming:idempotent';

/**
 * This POST route honours `Idempotency-Key` (DESIGN §4): the idempotency interceptor
 * runs on it, and on no route that does not declare it. `readFirst`: interceptors that
 * must run before it, such as an upload's, so that the files are in the fingerprint.
 */
export const Idempotent = (...readFirst: Type<NestInterceptor>[]): MethodDecorator =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, true),
    UseInterceptors(...readFirst, IdempotencyInterceptor),
  );

/**
 * The POST routes of `controllers` that neither declare `@Idempotent()` nor are
 * explicitly exempt (`@IdempotencyNotStored()`), as `POST /path` lines.
 */
export function undeclaredPostRoutes(controllers: Type[]): string[] {
  return controllers.flatMap((controller) => {
    const prefix = (Reflect.getMetadata(PATH_METADATA, controller) as string | undefined) ?? '';
    return Object.getOwnPropertyNames(controller.prototype).flatMap((name) => {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function') return [];
      if (Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.POST) return [];
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) return [];
      if (
        Reflect.getMetadata(IDEMPOTENT, handler) ||
        Reflect.getMetadata(IDEMPOTENCY_NOT_STORED, handler)
      ) {
        return [];
      }
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string;
      return [`POST /${[prefix, path].join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1')];
    });
  });
}

/**
 * Refuses to start an api with a POST route that says nothing about `Idempotency-Key`:
 * it would silently not honour the header.
 */
export function assertIdempotencyDeclared(controllers: Type[]): void {
  const undeclared = undeclaredPostRoutes(controllers);
  if (undeclared.length > 0) {
    throw new Error(
      `POST routes without @Idempotent() or @IdempotencyNotStored(): ${undeclared.join(', ')}`,
    );
  }
}
