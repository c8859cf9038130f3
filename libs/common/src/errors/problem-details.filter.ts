import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { negotiateLocale } from '../i18n/locale';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem-details';

// The parts of the platform's request and response the filter uses.
interface HttpRequest {
  method?: string;
  originalUrl?: string;
  url?: string;
  headers?: Record<string, string | string[] | undefined>;
}
interface NodeResponse {
  headersSent: boolean;
  end(): unknown;
}
// What Fastify's reply and Express's response have in common; Fastify's has Node's
// own response as `raw`, Express's is Node's own.
interface HttpResponse extends Partial<NodeResponse> {
  raw?: NodeResponse;
  status(code: number): unknown;
  header(name: string, value: string): unknown;
  send(body: string): unknown;
}

/**
 * The one global exception filter: every error leaves the API as
 * `application/problem+json`, its `detail` in the language `Accept-Language` asks for
 * (zh-CN unless English is preferred). Unexpected failures are logged with their stack and
 * answered with a bare 500 that reveals nothing about them.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<HttpResponse>();
    const locale = negotiateLocale(request.headers?.['accept-language']);
    const { problem, unexpected } = toProblem(exception, pathOf(request), locale);
    if (unexpected) {
      this.logger.error(exception instanceof Error ? exception : new Error(String(exception)));
    } else if (problem.code === 'database_unavailable') {
      // The driver's words and SQLSTATE only: never the statement's parameters.
      const { code, message } = exception as { code?: unknown; message?: unknown };
      this.logger.warn(`Database unavailable (${String(code ?? 'no code')}): ${String(message)}`);
    }
    const node = (response.raw ?? response) as NodeResponse;
    if (node.headersSent) {
      // Too late to answer with a problem; cut the response short instead.
      node.end();
      return;
    }
    response.status(problem.status);
    if (typeof problem.retryAfterSeconds === 'number') {
      response.header('Retry-After', String(Math.max(1, Math.ceil(problem.retryAfterSeconds))));
    }
    response.header('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
    // The detail is worded by Accept-Language; the code is the same in every language.
    response.header('Content-Language', locale);
    response.header('Vary', 'Accept-Language');
    response.send(JSON.stringify(problem));
  }
}

// The path only: query strings may carry personal data (a card number, a mobile).
function pathOf(request: HttpRequest): string | undefined {
  const url = request.originalUrl ?? request.url;
  return url?.split('?', 1)[0];
}
