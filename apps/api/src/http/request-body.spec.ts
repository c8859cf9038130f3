import { bodyParserError } from './request-body';

describe('bodyParserError', () => {
  it.each([
    ['entity.too.large', 413, 'payload_too_large'],
    ['charset.unsupported', 415, 'unsupported_media_type'],
    ['encoding.unsupported', 415, 'unsupported_media_type'],
    ['entity.parse.failed', 422, 'malformed_json'],
    ['request.aborted', 400, 'bad_request'],
    ['request.size.invalid', 400, 'bad_request'],
  ])('maps body-parser’s %s to %i %s', (type, status, code) => {
    expect(bodyParserError(Object.assign(new Error('x'), { type }), 100)).toMatchObject({
      status,
      code,
    });
  });

  it('does not quote the body a parse error shows', () => {
    const error = Object.assign(new SyntaxError('Unexpected token in "110101199003071233"'), {
      type: 'entity.parse.failed',
    });
    expect(JSON.stringify(bodyParserError(error, 100))).not.toContain('110101');
    expect((bodyParserError(error, 100) as Error).message).not.toContain('110101');
  });

  it('leaves any other error alone', () => {
    const error = new Error('stream.not.readable');
    expect(bodyParserError(error, 100)).toBe(error);
  });
});
