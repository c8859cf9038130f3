import { MulterError } from 'multer';
import { uploadError } from './upload.interceptor';

describe('uploadError', () => {
  it.each([
    ['LIMIT_FILE_SIZE', 'file_too_large'],
    ['LIMIT_UNEXPECTED_FILE', 'unexpected_file'],
    ['LIMIT_FILE_COUNT', 'unexpected_file'],
    ['LIMIT_PART_COUNT', 'unexpected_file'],
    ['LIMIT_FIELD_COUNT', 'unexpected_field'],
    ['LIMIT_FIELD_KEY', 'malformed_multipart'],
    ['MISSING_FIELD_NAME', 'malformed_multipart'],
  ] as const)('maps multer’s %s to 422 %s', (code, ours) => {
    expect(uploadError(new MulterError(code, 'certificates'), 5, 10)).toMatchObject({
      status: 422,
      code: ours,
    });
  });

  it('names the field of a file it did not take', () => {
    expect(uploadError(new MulterError('LIMIT_UNEXPECTED_FILE', 'passport'), 5, 10)).toMatchObject({
      extras: { field: 'passport' },
    });
  });

  it('takes the parser’s own errors for a body that cannot be read', () => {
    expect(uploadError(new Error('Unexpected end of form'), 5, 10)).toMatchObject({
      status: 422,
      code: 'malformed_multipart',
    });
  });
});
