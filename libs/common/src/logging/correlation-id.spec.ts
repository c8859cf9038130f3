import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  correlationIdMiddleware,
  currentCorrelationId,
  ensureCorrelationId,
  resolveCorrelationId,
  runWithCorrelationId,
} from './correlation-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function exchange(headers: Record<string, string> = {}) {
  const request = { headers } as unknown as IncomingMessage & { id?: unknown };
  const sent: Record<string, string> = {};
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => (sent[name] = value),
  } as unknown as ServerResponse;
  return { request, response, sent };
}

describe('resolveCorrelationId', () => {
  it('takes X-Correlation-Id first, then X-Request-Id', () => {
    expect(resolveCorrelationId({ 'x-correlation-id': 'corr-1', 'x-request-id': 'req-1' })).toBe(
      'corr-1',
    );
    expect(resolveCorrelationId({ 'x-request-id': 'req-1' })).toBe('req-1');
  });

  it('generates a UUID when the caller sent none', () => {
    expect(resolveCorrelationId({})).toMatch(UUID);
  });

  it('ignores an id that is too long or could forge log content', () => {
    expect(resolveCorrelationId({ 'x-correlation-id': 'a'.repeat(129) })).toMatch(UUID);
    expect(resolveCorrelationId({ 'x-correlation-id': 'x\n{"level":"fatal"}' })).toMatch(UUID);
    expect(resolveCorrelationId({ 'x-correlation-id': 'bad id', 'x-request-id': 'good-id' })).toBe(
      'good-id',
    );
  });
});

describe('correlation middleware', () => {
  it('echoes the id in the response and keeps it for the rest of the request', () => {
    const { request, response, sent } = exchange({ 'x-request-id': 'req-7' });
    let seen: string | undefined;
    correlationIdMiddleware(request, response, () => {
      seen = currentCorrelationId();
    });
    expect(seen).toBe('req-7');
    expect(sent['X-Correlation-Id']).toBe('req-7');
    expect(request.id).toBe('req-7');
  });

  it('resolves the id once, whichever middleware asks first', () => {
    const { request, response } = exchange();
    const first = ensureCorrelationId(request, response);
    expect(ensureCorrelationId(request, response)).toBe(first);
  });

  it('carries an id through asynchronous work started outside HTTP', async () => {
    const seen = await runWithCorrelationId('job-1', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentCorrelationId();
    });
    expect(seen).toBe('job-1');
    expect(currentCorrelationId()).toBeUndefined();
  });
});
