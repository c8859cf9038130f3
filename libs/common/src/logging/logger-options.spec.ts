import pino from 'pino';
import { Writable } from 'node:stream';
import { runWithCorrelationId } from './correlation-id';
import { loggerOptions, REDACTED, redactUrlQuery } from './logger-options';

function capture(level: 'info' | 'warn' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const {
    level: _level,
    genReqId: _genReqId,
    customLogLevel: _custom,
    ...options
  } = loggerOptions({ logLevel: level });
  // pino-http's own options are not pino's; the rest configure the logger itself.
  const logger = pino({ ...options, level }, stream);
  return { logger, lines };
}

describe('loggerOptions', () => {
  it('writes JSON with a readable level and an ISO timestamp', () => {
    const { logger, lines } = capture();
    logger.info('started');
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'started' });
    expect(String(lines[0].time)).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('honours the configured level', () => {
    const { logger, lines } = capture('warn');
    logger.info('chatty');
    logger.warn('important');
    expect(lines.map((line) => line.msg)).toEqual(['important']);
  });

  it('redacts authorization and cookie headers', () => {
    const { logger, lines } = capture();
    logger.info({
      req: { headers: { authorization: 'Bearer eyJ...', cookie: 'sid=1', accept: 'json' } },
    });
    expect(lines[0].req).toEqual({
      headers: { authorization: REDACTED, cookie: REDACTED, accept: 'json' },
    });
  });

  it('redacts personal data in payloads, nested and in arrays', () => {
    const { logger, lines } = capture();
    logger.info({
      body: {
        name: '张三',
        idNumber: '11010119900307777X',
        paymentPassword: '123456',
        card: { cardNumber: '6222020200112233445', reservedMobile: '13800138000' },
        deposits: [{ amount: '0.37' }],
        region: 'mainland',
      },
      job: { data: { code: '123456', attempt: 2 } },
    });
    const { body, job } = lines[0] as { body: Record<string, unknown>; job: { data: object } };
    expect(body).toEqual({
      name: REDACTED,
      idNumber: REDACTED,
      paymentPassword: REDACTED,
      card: { cardNumber: REDACTED, reservedMobile: REDACTED },
      deposits: [{ amount: REDACTED }],
      region: 'mainland',
    });
    expect(job.data).toEqual({ code: REDACTED, attempt: 2 });
  });

  it('redacts unambiguous personal fields anywhere, but keeps an error’s name and code', () => {
    const { logger, lines } = capture();
    const err = Object.assign(new Error('conflict'), { code: 'version_conflict' });
    logger.info({ err, account: { owner: { mobile: '13800138000' } }, idNumber: 'x' });
    const line = lines[0] as {
      err: { type: string; code: string };
      account: { owner: { mobile: string } };
      idNumber: string;
    };
    expect(line.account.owner.mobile).toBe(REDACTED);
    expect(line.idNumber).toBe(REDACTED);
    expect(line.err.code).toBe('version_conflict');
    expect(line.err.type).toBe('Error');
  });

  it('redacts every event of a batch and leaves the logged object unchanged', () => {
    const { logger, lines } = capture();
    const events = [{ type: 'IdentitySubmitted', data: { name: '张三', region: 'mainland' } }];
    logger.info({ events });
    expect(lines[0].events).toEqual([
      { type: 'IdentitySubmitted', data: { name: REDACTED, region: 'mainland' } },
    ]);
    expect(events[0].data.name).toBe('张三');
  });

  it('adds the correlation id of the work in progress to each line', () => {
    const { logger, lines } = capture();
    runWithCorrelationId('corr-42', () => logger.info('inside'));
    logger.info('outside');
    expect(lines[0].correlationId).toBe('corr-42');
    expect(lines[1]).not.toHaveProperty('correlationId');
  });

  it('logs requests with personal query parameters masked', () => {
    const serialize = loggerOptions({ logLevel: 'info' }).serializers?.req as (req: object) => {
      url: string;
    };
    // Shaped like pino-http's serialized request, whose prototype hides `raw`.
    const serialized = Object.assign(Object.create({ raw: {} }) as object, {
      id: 'r1',
      method: 'GET',
      url: '/v1/sandbox/sms?mobile=13800138000',
      headers: {},
    });
    const logged = serialize(serialized);
    expect(logged.url).toBe('/v1/sandbox/sms?mobile=%5Bredacted%5D');
  });

  it('redacts personal fields of a request’s parsed query', () => {
    const { logger, lines } = capture();
    logger.info({ req: { url: '/d', query: { cardNumber: '6222020200112233445', kind: 'x' } } });
    expect((lines[0] as { req: { query: object } }).req.query).toEqual({
      cardNumber: REDACTED,
      kind: 'x',
    });
  });
});

describe('redactUrlQuery', () => {
  it('masks personal fields and keeps the others', () => {
    expect(redactUrlQuery('/d?cardNumber=6222&kind=appeal')).toBe(
      '/d?cardNumber=%5Bredacted%5D&kind=appeal',
    );
    expect(redactUrlQuery('/health/ready')).toBe('/health/ready');
  });
});
