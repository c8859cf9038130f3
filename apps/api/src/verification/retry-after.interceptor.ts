import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, throwError, type Observable } from 'rxjs';

/**
 * Errors that say when to come back (`locked` 423, `resend_too_soon` 429) carry
 * `retryAfterSeconds`; it becomes the `Retry-After` header of the problem answer.
 */
@Injectable()
export class RetryAfterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const seconds = (error as { extras?: { retryAfterSeconds?: unknown } } | null)?.extras
          ?.retryAfterSeconds;
        if (typeof seconds === 'number' && Number.isFinite(seconds)) {
          const response = context
            .switchToHttp()
            .getResponse<{ header(name: string, value: string): unknown }>();
          response.header('Retry-After', String(Math.max(1, Math.ceil(seconds))));
        }
        return throwError(() => error);
      }),
    );
  }
}
