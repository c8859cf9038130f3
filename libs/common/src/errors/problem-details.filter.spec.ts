import {
  ArgumentsHost,
  BadRequestException,
  ConflictException,
  HttpException,
  InternalServerErrorException,
  Logger,
  NotFoundException,
  ValidationPipe,
} from '@nestjs/common';
import { IsInt, IsString, Length, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import {
  DomainError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  WrongStateError,
} from './domain-error';
import { ProblemDetailsFilter } from './problem-details.filter';
import { createValidationPipe, ValidationError } from './validation-error';

interface Captured {
  status?: number;
  headers: Record<string, string>;
  body?: Record<string, unknown>;
  ended: boolean;
}

function render(
  exception: unknown,
  url = '/v1/verification/identity?cardNumber=6222',
  acceptLanguage: string | null = 'en',
) {
  const captured: Captured = { headers: {}, ended: false };
  const response = {
    headersSent: false,
    status(code: number) {
      captured.status = code;
      return response;
    },
    header(name: string, value: string) {
      captured.headers[name.toLowerCase()] = value;
    },
    send(body: string) {
      captured.body = JSON.parse(body) as Record<string, unknown>;
    },
    end() {
      captured.ended = true;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({
      getRequest: () => ({
        method: 'POST',
        originalUrl: url,
        url,
        headers: acceptLanguage === null ? {} : { 'accept-language': acceptLanguage },
      }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  new ProblemDetailsFilter().catch(exception, host);
  return captured;
}

class AttemptsExceededError extends DomainError {
  readonly code = 'attempts_exceeded';
  readonly status = 422;
}

class AuthorityUnavailableError extends DomainError {
  readonly code = 'authority_unavailable';
  readonly status = 503;
}

// Shaped like the event store's error, which does not extend DomainError.
class WrongExpectedVersionError extends Error {
  readonly code = 'version_conflict';
  readonly status = 409;
  constructor() {
    super('Stream verification-1 is at version 4, expected 3');
    this.name = 'WrongExpectedVersionError';
  }
}

class AddressDto {
  @IsString()
  city!: string;
}

class IdentityDto {
  @IsString()
  @Length(2, 30)
  name!: string;

  @IsInt()
  @Min(1)
  age!: number;

  @ValidateNested()
  @Type(() => AddressDto)
  address!: AddressDto;
}

async function validationFailure(pipe: ValidationPipe, body: unknown): Promise<unknown> {
  try {
    await pipe.transform(body, { type: 'body', metatype: IdentityDto });
  } catch (error) {
    return error;
  }
  throw new Error('expected the pipe to refuse the body');
}

describe('ProblemDetailsFilter', () => {
  let logged: jest.SpyInstance;

  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => logged.mockRestore());

  it('renders a domain error as problem+json with its code, status and detail', () => {
    const answer = render(new WrongStateError('Identity is already confirmed.'));
    expect(answer.status).toBe(409);
    expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(answer.body).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      code: 'wrong_state',
      detail: 'Identity is already confirmed.',
      instance: '/v1/verification/identity',
    });
    expect(logged).not.toHaveBeenCalled();
  });

  it('words the detail in zh-CN by default and for Chinese readers, with the same code', () => {
    const error = new WrongStateError('Identity is already confirmed.');
    for (const header of [null, 'zh-CN,zh;q=0.9,en;q=0.8', 'fr']) {
      const answer = render(error, '/v1/verification/identity/confirm', header);
      expect(answer.headers['content-language']).toBe('zh-CN');
      expect(answer.headers.vary).toBe('Accept-Language');
      expect(answer.body).toMatchObject({
        status: 409,
        code: 'wrong_state',
        detail: '当前步骤不允许此操作。',
      });
    }
    const english = render(error, '/v1/verification/identity/confirm', 'en-US,en;q=0.9');
    expect(english.headers['content-language']).toBe('en');
    expect(english.body).toMatchObject({ code: 'wrong_state' });
  });

  it('gives an English reader the catalogue’s words when the refusal was raised without any', () => {
    expect(render(new NotFoundError()).body?.detail).toBe('Nothing was found here.');
    expect(render(new NotFoundError(), undefined, 'zh-CN').body?.detail).toBe('找不到请求的内容。');
  });

  it('keeps a bare 500 bare in every language', () => {
    const answer = render(new TypeError('boom'), undefined, 'zh-CN');
    expect(answer.body).not.toHaveProperty('detail');
    expect(answer.headers['content-language']).toBe('zh-CN');
  });

  it('leaves the query string out of instance, since it may carry personal data', () => {
    expect(render(new NotFoundError()).body?.instance).toBe('/v1/verification/identity');
  });

  it.each([
    [new NotFoundError('No such case.'), 404, 'not_found'],
    [new ForbiddenError('Not your account.'), 403, 'forbidden'],
    [new UnauthorizedError(), 401, 'unauthorized'],
    [new AttemptsExceededError(), 422, 'attempts_exceeded'],
  ])('maps %p to %i %s', (error, status, code) => {
    const answer = render(error);
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ status, code });
  });

  it('adds a domain error’s extras beside the standard members, without overriding them', () => {
    const error = new AttemptsExceededError('Too many wrong codes.', {
      attemptsRemaining: 0,
      status: 200,
      code: 'sneaky',
    });
    expect(render(error).body).toMatchObject({
      status: 422,
      code: 'attempts_exceeded',
      attemptsRemaining: 0,
    });
  });

  it('renders any error with a string code and numeric status, by duck type', () => {
    const answer = render(new WrongExpectedVersionError());
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({
      code: 'version_conflict',
      detail: 'Stream verification-1 is at version 4, expected 3',
    });
  });

  it('does not take a database driver error for a problem (no HTTP status)', () => {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
    });
    const answer = render(driverError);
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      code: 'internal_error',
      instance: '/v1/verification/identity',
    });
  });

  it('answers a database that does not answer with 503 database_unavailable, worded per reader', () => {
    const timeout = Object.assign(new Error('Query read timeout'), { code: '57014' });
    const chinese = render(timeout, undefined, 'zh-CN');
    expect(chinese.status).toBe(503);
    expect(chinese.body).toMatchObject({ code: 'database_unavailable', retryAfterSeconds: 2 });
    expect(chinese.body?.detail).toMatch(/数据库/);
    expect(render(timeout).body?.detail).toMatch(/^The database did not answer in time/);
  });

  it('renders an intended 503 with its code and does not log it as a bug', () => {
    const answer = render(new AuthorityUnavailableError('The identity authority is unavailable.'));
    expect(answer.status).toBe(503);
    expect(answer.body?.code).toBe('authority_unavailable');
    expect(logged).not.toHaveBeenCalled();
  });

  it('answers an unknown error with a bare 500 and logs it with its stack', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'idNumber')");
    const answer = render(bug);
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      code: 'internal_error',
      instance: '/v1/verification/identity',
    });
    expect(JSON.stringify(answer.body)).not.toMatch(/idNumber|TypeError/);
    expect(logged).toHaveBeenCalledWith(bug);
  });

  it('logs a thrown non-error value as an error', () => {
    expect(render('boom').status).toBe(500);
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }));
  });

  it('hides the message of an InternalServerErrorException', () => {
    const answer = render(new InternalServerErrorException('pool exhausted at db-primary-3'));
    expect(answer.body).not.toHaveProperty('detail');
    expect(answer.body?.code).toBe('internal_error');
    expect(logged).toHaveBeenCalled();
  });

  it('gives Nest HTTP exceptions a code from their status', () => {
    const answer = render(new NotFoundException('Cannot GET /nope'));
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({
      title: 'Not Found',
      code: 'not_found',
      detail: 'Cannot GET /nope',
    });
    expect(render(new ConflictException()).body).toMatchObject({ status: 409, code: 'conflict' });
    expect(render(new ConflictException()).body?.detail).toBe(
      'The request clashes with the current state.',
    );
    expect(render(new HttpException('Slow down', 429)).body).toMatchObject({
      code: 'rate_limited',
      detail: 'Slow down',
    });
    expect(render(new HttpException('I am a teapot', 418)).body?.code).toBe('http_418');
  });

  it('keeps a code given in an HTTP exception’s body', () => {
    const error = new BadRequestException({ code: 'idempotency_key_reused', message: 'Reused.' });
    expect(render(error).body).toMatchObject({ status: 400, code: 'idempotency_key_reused' });
  });

  it('turns the ValidationPipe’s default 400 into a 422 with one error per message', async () => {
    const pipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true });
    const error = await validationFailure(pipe, { name: 'x', age: 1, address: {}, extra: 1 });
    expect(error).toBeInstanceOf(BadRequestException);
    const answer = render(error);
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ code: 'validation_failed' });
    expect(answer.body?.errors).toEqual(
      expect.arrayContaining([
        { field: 'extra', code: 'unknown_field', message: 'property extra should not exist' },
        expect.objectContaining({ field: 'name', code: 'invalid' }),
        expect.objectContaining({ field: 'address.city', code: 'invalid' }),
      ]),
    );
  });

  it('renders our validation pipe’s failures with a field, code and message each', async () => {
    const error = await validationFailure(createValidationPipe(), {
      name: 'x',
      age: 0,
      address: { city: 7 },
      extra: true,
    });
    expect(error).toBeInstanceOf(ValidationError);
    const answer = render(error);
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      code: 'validation_failed',
      detail: 'The request has invalid fields.',
    });
    expect(answer.body?.errors).toEqual(
      expect.arrayContaining([
        { field: 'name', code: 'is_length', message: expect.any(String) },
        { field: 'age', code: 'min', message: expect.any(String) },
        { field: 'address.city', code: 'is_string', message: expect.any(String) },
        { field: 'extra', code: 'unknown_field', message: 'property extra should not exist' },
      ]),
    );
  });

  it('words each field error in Chinese by its code, naming the field', async () => {
    const error = await validationFailure(createValidationPipe(), {
      name: 'x',
      age: 0,
      address: { city: 7 },
      extra: true,
    });
    const answer = render(error, '/v1/verification/identity', 'zh-CN');
    expect(answer.body?.errors).toEqual(
      expect.arrayContaining([
        { field: 'name', code: 'is_length', message: '字段 name 的长度不符合要求。' },
        { field: 'age', code: 'min', message: '字段 age 的值过小。' },
        { field: 'address.city', code: 'is_string', message: '字段 address.city 应为文本。' },
        { field: 'extra', code: 'unknown_field', message: '不接受字段 extra。' },
      ]),
    );
  });

  it('gives a field error of a code the catalogue lacks a generic Chinese message', () => {
    const error = new ValidationError([{ field: 'cursor', code: 'stale_cursor', message: 'x' }]);
    expect(render(error, '/v1/backoffice/cases', 'zh-CN').body?.errors).toEqual([
      { field: 'cursor', code: 'stale_cursor', message: '字段 cursor 的值不符合要求。' },
    ]);
  });

  it('does not put the refused values in the answer', async () => {
    const error = await validationFailure(createValidationPipe(), {
      name: '110101199003077777',
      age: -5,
      address: { city: 'x' },
    });
    expect(JSON.stringify(render(error).body)).not.toContain('110101199003077777');
  });

  it('ends a response whose headers are already sent instead of writing a problem', () => {
    const sent = { headersSent: true, end: jest.fn(), status: jest.fn(), send: jest.fn() };
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({ getRequest: () => ({ url: '/x' }), getResponse: () => sent }),
    } as unknown as ArgumentsHost;
    new ProblemDetailsFilter().catch(new NotFoundError(), host);
    expect(sent.end).toHaveBeenCalled();
    expect(sent.send).not.toHaveBeenCalled();
  });

  it('rethrows outside HTTP, where there is no response to write', () => {
    const host = { getType: () => 'rpc' } as unknown as ArgumentsHost;
    const error = new NotFoundError();
    expect(() => new ProblemDetailsFilter().catch(error, host)).toThrow(error);
  });
});

describe('DomainError', () => {
  it('is an Error named after its class, with its detail as message', () => {
    const error = new WrongStateError('Not now.');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('WrongStateError');
    expect(error.message).toBe('Not now.');
    expect(error.code).toBe('wrong_state');
    expect(error.status).toBe(409);
  });
});
