import pino from 'pino';
import { Writable } from 'node:stream';
import { loggerOptions } from './logger-options';
import { safeError, scrubDatabaseError } from './safe-error';

const MOBILE = '13912345678';
const CARD = '6222021234567890123';

// Shaped as node-postgres and TypeORM leave a failed query: the driver's error, and
// TypeORM's QueryFailedError that copies its fields and adds the SQL and parameters.
function driverError(
  code: string,
  message: string,
  fields: Record<string, unknown> = {},
): Error & Record<string, unknown> {
  const error: Error & Record<string, unknown> = new Error(message) as never;
  return Object.assign(error, { severity: 'ERROR', code, routine: 'x', ...fields });
}
function queryFailed(driver: Error & Record<string, unknown>) {
  const { name: _name, ...fields } = driver;
  return Object.assign(new Error(driver.message), fields, {
    name: 'QueryFailedError',
    query: 'INSERT INTO probe (mobile, card) VALUES ($1, $2)',
    parameters: [MOBILE, CARD],
    driverError: driver,
  });
}
const uniqueViolation = () =>
  queryFailed(
    driverError('23505', 'duplicate key value violates unique constraint "probe_mobile_key"', {
      detail: `Key (mobile)=(${MOBILE}) already exists.`,
      constraint: 'probe_mobile_key',
      where: `SQL statement "INSERT INTO probe VALUES ('${MOBILE}')"`,
    }),
  );
const badInput = () =>
  queryFailed(driverError('22P02', `invalid input syntax for type integer: "${CARD}"`));

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const {
    level: _l,
    genReqId: _g,
    customLogLevel: _c,
    ...options
  } = loggerOptions({
    logLevel: 'info',
  });
  return { logger: pino({ ...options, level: 'info' }, stream), lines };
}

describe('safeError', () => {
  it('drops parameters, the driver error, and PostgreSQL’s detail and where', () => {
    const serialized = safeError(uniqueViolation());
    expect(serialized).toMatchObject({
      type: 'Error',
      name: 'QueryFailedError',
      message: 'duplicate key value violates unique constraint "probe_mobile_key"',
      code: '23505',
      constraint: 'probe_mobile_key',
      query: 'INSERT INTO probe (mobile, card) VALUES ($1, $2)',
    });
    for (const field of ['parameters', 'driverError', 'detail', 'where']) {
      expect(serialized).not.toHaveProperty(field);
    }
    expect(JSON.stringify(serialized)).not.toContain(MOBILE);
  });

  it('masks the value a data exception quotes, in the message and the stack', () => {
    const serialized = safeError(badInput());
    expect(serialized.message).toBe('invalid input syntax for type integer: "[redacted]"');
    expect(String(serialized.stack)).toMatch(/^\w+: invalid input syntax .*\[redacted\]/);
    expect(JSON.stringify(serialized)).not.toContain(CARD);
    const outOfRange = driverError('22003', `value "${CARD}" is out of range for type bigint`);
    expect(safeError(outOfRange).message).toBe(
      'value "[redacted]" is out of range for type bigint',
    );
  });

  it('keeps the message of other errors, and walks their causes', () => {
    const wrapped = new Error('the batch failed', { cause: uniqueViolation() });
    const serialized = safeError(wrapped);
    expect(serialized.message).toBe('the batch failed');
    expect(serialized.cause).toMatchObject({ code: '23505' });
    expect(JSON.stringify(serialized)).not.toContain(MOBILE);
    const aggregate = new AggregateError([badInput()], 'several failed');
    expect(JSON.stringify(safeError(aggregate))).not.toContain(CARD);
  });
});

describe('scrubDatabaseError', () => {
  it('takes the values out of a driver’s error in place', () => {
    const driver = driverError('22P02', `invalid input syntax for type integer: "${CARD}"`, {
      detail: `Failing row contains (${MOBILE}).`,
      where: `PL/pgSQL function f(text) line 3 at assignment, "${MOBILE}"`,
    });
    scrubDatabaseError(driver);
    expect(driver.message).toBe('invalid input syntax for type integer: "[redacted]"');
    expect(driver.stack).not.toContain(CARD);
    expect(driver).not.toHaveProperty('detail');
    expect(driver).not.toHaveProperty('where');
    expect(driver.code).toBe('22P02');
  });

  it('leaves other errors alone', () => {
    const error = new Error(`no such account "${MOBILE}"`);
    scrubDatabaseError(error);
    expect(error.message).toBe(`no such account "${MOBILE}"`);
  });
});

describe('logging a failed query', () => {
  it('writes no parameter, detail or quoted value, however the error is logged', () => {
    const { logger, lines } = capture();
    for (const error of [uniqueViolation(), badInput()]) {
      logger.error(error);
      logger.error({ err: error }, 'query failed');
      logger.warn({ failure: error, context: { attempts: [error] } }, 'retrying');
      logger.info({ data: { error } });
    }
    expect(lines).toHaveLength(8);
    const output = lines.join('');
    expect(output).not.toContain(MOBILE);
    expect(output).not.toContain(CARD);
    expect(output).toContain('probe_mobile_key');
    const first = JSON.parse(lines[0]) as { err: Record<string, unknown> };
    expect(first.err).toMatchObject({ type: 'Error', code: '23505' });
  });
});
