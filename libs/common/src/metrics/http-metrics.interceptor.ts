import {
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Observable, tap } from 'rxjs';
import { nameHttpSpan } from '../tracing/trace-context';
import { Metrics } from './metrics';

/**
 * Times each HTTP request that reaches a handler, labelled by the route's pattern
 * (`/v1/accounts/:accountId/verification`, never the ids themselves) and the status.
 * Reads the pattern from the controller's metadata and the status from the response's
 * `statusCode`, which Express and Fastify both have. Refusals by guards (401, 403, 429)
 * never reach it; 429 is counted by `shiming_rate_limit_refusals_total`.
 */
@Injectable()
export class HttpMetricsInterceptor implements NestInterceptor {
  private readonly routes = new WeakMap<object, string>();

  constructor(private readonly metrics: Metrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const started = process.hrtime.bigint();
    const http = context.switchToHttp();
    const method = (http.getRequest<{ method?: string }>().method ?? 'GET').toUpperCase();
    const route = this.routeOf(context);
    nameHttpSpan(method, route);
    const record = (status: number): void =>
      this.metrics.httpRequest(
        { method, route, status: String(status) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    return next.handle().pipe(
      tap({
        complete: () =>
          record(statusOfSuccess(context, method, http.getResponse<{ statusCode?: number }>())),
        error: (error: unknown) => record(httpStatusOfError(error)),
      }),
    );
  }

  private routeOf(context: ExecutionContext): string {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (route === undefined) {
      const parts = [
        Reflect.getMetadata(PATH_METADATA, context.getClass()) as string | string[] | undefined,
        Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined,
      ].map((path) => (Array.isArray(path) ? path[0] : path) ?? '');
      route = `/${parts.join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
      this.routes.set(handler, route);
    }
    return route;
  }
}

/**
 * Nest sets the status of a handler's answer after the interceptors are done: until
 * then it is 200 unless a handler or an interceptor set it (a replayed answer). So a
 * 200 here means the route's `@HttpCode`, or Nest's default (201 for POST).
 */
function statusOfSuccess(
  context: ExecutionContext,
  method: string,
  response: { statusCode?: number },
): number {
  if (response.statusCode !== undefined && response.statusCode !== 200) return response.statusCode;
  const declared = Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as
    number | undefined;
  return declared ?? (method === 'POST' ? 201 : 200);
}

/** The status an error is counted under: its own, or 500. */
export function httpStatusOfError(error: unknown): number {
  if (error instanceof HttpException) return error.getStatus();
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
