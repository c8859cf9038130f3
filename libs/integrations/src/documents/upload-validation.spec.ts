import {
  assertCertificateCount,
  DEFAULT_MAX_UPLOAD_BYTES,
  normaliseMediaType,
  requireIdPhotoPair,
  sniffMediaType,
  UploadRejectedError,
  validateUpload,
} from './upload-validation';

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64)]);
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64),
]);
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n', 'latin1');

function rejection(run: () => unknown): UploadRejectedError {
  try {
    run();
  } catch (error) {
    if (error instanceof UploadRejectedError) return error;
    throw error;
  }
  throw new Error('expected an UploadRejectedError');
}

describe('sniffMediaType', () => {
  it.each([
    ['JPEG', JPEG, 'image/jpeg'],
    ['PNG', PNG, 'image/png'],
    ['PDF', PDF, 'application/pdf'],
  ])('recognises %s by its magic bytes', (_name, bytes, type) => {
    expect(sniffMediaType(bytes)).toBe(type);
  });

  it.each([
    ['GIF', Buffer.from('GIF89a')],
    ['text', Buffer.from('hello')],
    ['an empty file', Buffer.alloc(0)],
    ['a truncated PNG signature', PNG.subarray(0, 7)],
    ['PDF without its dash', Buffer.from('%PDF1.7')],
  ])('recognises nothing in %s', (_name, bytes) => {
    expect(sniffMediaType(bytes)).toBeNull();
  });
});

describe('validateUpload', () => {
  it('accepts a file whose bytes, declared type and name agree, typed by its bytes', () => {
    expect(
      validateUpload({ field: 'front', bytes: JPEG, declaredType: 'image/jpg', fileName: 'a.JPG' }),
    ).toEqual({ field: 'front', bytes: JPEG, contentType: 'image/jpeg', size: JPEG.length });
    expect(validateUpload({ field: 'certificates', bytes: PDF }).contentType).toBe(
      'application/pdf',
    );
  });

  it('refuses a PNG renamed as a PDF', () => {
    const error = rejection(() =>
      validateUpload({
        field: 'certificates',
        bytes: PNG,
        declaredType: 'application/pdf',
        fileName: 'passport.pdf',
      }),
    );
    expect(error.code).toBe('unsupported_media_type');
    expect(error.status).toBe(422);
    expect(error.extras).toEqual({ field: 'certificates', detectedType: 'image/png' });
  });

  it('refuses a PNG whose name alone says PDF', () => {
    expect(
      rejection(() => validateUpload({ field: 'front', bytes: PNG, fileName: 'id.pdf' })).code,
    ).toBe('unsupported_media_type');
  });

  it('refuses a file declared as something other than its bytes', () => {
    expect(
      rejection(() =>
        validateUpload({ field: 'front', bytes: JPEG, declaredType: 'application/octet-stream' }),
      ).code,
    ).toBe('unsupported_media_type');
  });

  it('refuses bytes that are not JPEG, PNG or PDF, whatever they claim', () => {
    const error = rejection(() =>
      validateUpload({ field: 'back', bytes: Buffer.from('GIF89a'), declaredType: 'image/png' }),
    );
    expect(error.code).toBe('unsupported_media_type');
    expect(error.extras.field).toBe('back');
  });

  it('refuses a type the step does not allow', () => {
    expect(
      rejection(() =>
        validateUpload(
          { field: 'front', bytes: PDF },
          { allowedTypes: ['image/jpeg', 'image/png'] },
        ),
      ).code,
    ).toBe('unsupported_media_type');
  });

  it('accepts exactly the default limit of 5 MiB and refuses one byte more', () => {
    const atLimit = Buffer.concat([JPEG, Buffer.alloc(DEFAULT_MAX_UPLOAD_BYTES - JPEG.length)]);
    expect(validateUpload({ field: 'front', bytes: atLimit }).size).toBe(5 * 1024 * 1024);
    const error = rejection(() =>
      validateUpload({ field: 'front', bytes: Buffer.concat([atLimit, Buffer.alloc(1)]) }),
    );
    expect(error.code).toBe('file_too_large');
    expect(error.status).toBe(422);
    expect(error.extras).toMatchObject({ field: 'front', maxBytes: DEFAULT_MAX_UPLOAD_BYTES });
  });

  it('applies a configured size limit', () => {
    expect(
      rejection(() => validateUpload({ field: 'front', bytes: JPEG }, { maxBytes: 10 })).code,
    ).toBe('file_too_large');
  });

  it('normalises declared types', () => {
    expect(normaliseMediaType(' Image/JPEG; charset=binary')).toBe('image/jpeg');
    expect(normaliseMediaType('image/jpg')).toBe('image/jpeg');
  });
});

describe('assertCertificateCount', () => {
  it.each([2, 3, 4])('accepts %i certificates', (count) => {
    expect(() => assertCertificateCount(count)).not.toThrow();
  });

  it.each([0, 1, 5])('refuses %i certificates', (count) => {
    const error = rejection(() => assertCertificateCount(count));
    expect(error.code).toBe('invalid_certificate_count');
    expect(error.extras).toEqual({ field: 'certificates', min: 2, max: 4, received: count });
  });
});

describe('requireIdPhotoPair', () => {
  it('returns the one front and the one back', () => {
    expect(requireIdPhotoPair({ front: ['f'], back: ['b'] })).toEqual({ front: 'f', back: 'b' });
  });

  it.each([
    [{ back: ['b'] }, 'front', 0],
    [{ front: ['f'] }, 'back', 0],
    [{ front: ['f', 'g'], back: ['b'] }, 'front', 2],
    [{ front: ['f'], back: [] }, 'back', 0],
  ])('refuses %j', (parts, field, received) => {
    const error = rejection(() => requireIdPhotoPair(parts));
    expect(error.code).toBe('invalid_id_photos');
    expect(error.extras).toEqual({ field, received });
  });
});
