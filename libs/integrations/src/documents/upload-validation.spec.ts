import sharp from 'sharp';
import { deflateSync, inflateSync } from 'node:zlib';
import { buildPdf, pngClaiming, plainPdf } from '../../../../test/support/documents';
import {
  assertCertificateCount,
  DEFAULT_MAX_UPLOAD_BYTES,
  normaliseMediaType,
  requireIdPhotoPair,
  sniffMediaType,
  UploadRejectedError,
  validateUpload,
} from './upload-validation';

const MAGIC_JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64)]);
const MAGIC_PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64),
]);
const PDF = plainPdf();

// Real images, made with the decoder's own library.
const noise = (width: number, height: number) =>
  sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  });
let JPEG: Buffer;
let PNG: Buffer;

beforeAll(async () => {
  JPEG = await noise(64, 48).jpeg().toBuffer();
  PNG = await noise(64, 48).png().toBuffer();
});

async function rejection(run: () => unknown): Promise<UploadRejectedError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof UploadRejectedError) return error;
    throw error;
  }
  throw new Error('expected an UploadRejectedError');
}

describe('sniffMediaType', () => {
  it.each([
    ['JPEG', MAGIC_JPEG, 'image/jpeg'],
    ['PNG', MAGIC_PNG, 'image/png'],
    ['PDF', PDF, 'application/pdf'],
  ])('recognises %s by its magic bytes', (_name, bytes, type) => {
    expect(sniffMediaType(bytes)).toBe(type);
  });

  it.each([
    ['GIF', Buffer.from('GIF89a')],
    ['text', Buffer.from('hello')],
    ['an empty file', Buffer.alloc(0)],
    ['a truncated PNG signature', MAGIC_PNG.subarray(0, 7)],
    ['PDF without its dash', Buffer.from('%PDF1.7')],
  ])('recognises nothing in %s', (_name, bytes) => {
    expect(sniffMediaType(bytes)).toBeNull();
  });
});

describe('validateUpload', () => {
  it('accepts a file whose bytes, declared type and name agree, typed by its bytes', async () => {
    expect(
      await validateUpload({
        field: 'front',
        bytes: JPEG,
        declaredType: 'image/jpg',
        fileName: 'a.JPG',
      }),
    ).toEqual({ field: 'front', bytes: JPEG, contentType: 'image/jpeg', size: JPEG.length });
    expect((await validateUpload({ field: 'front', bytes: PNG })).contentType).toBe('image/png');
    expect((await validateUpload({ field: 'certificates', bytes: PDF })).contentType).toBe(
      'application/pdf',
    );
  });

  it('refuses a PNG renamed as a PDF', async () => {
    const error = await rejection(() =>
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

  it('refuses a PNG whose name alone says PDF', async () => {
    expect(
      (await rejection(() => validateUpload({ field: 'front', bytes: PNG, fileName: 'id.pdf' })))
        .code,
    ).toBe('unsupported_media_type');
  });

  it('refuses a file declared as something other than its bytes', async () => {
    expect(
      (
        await rejection(() =>
          validateUpload({ field: 'front', bytes: JPEG, declaredType: 'application/octet-stream' }),
        )
      ).code,
    ).toBe('unsupported_media_type');
  });

  it('refuses bytes that are not JPEG, PNG or PDF, whatever they claim', async () => {
    const error = await rejection(() =>
      validateUpload({ field: 'back', bytes: Buffer.from('GIF89a'), declaredType: 'image/png' }),
    );
    expect(error.code).toBe('unsupported_media_type');
    expect(error.extras.field).toBe('back');
  });

  it('refuses a type the step does not allow', async () => {
    expect(
      (
        await rejection(() =>
          validateUpload(
            { field: 'front', bytes: PDF },
            { allowedTypes: ['image/jpeg', 'image/png'] },
          ),
        )
      ).code,
    ).toBe('unsupported_media_type');
  });

  it('refuses one byte more than the default limit of 5 MiB, before reading it', async () => {
    const over = Buffer.concat([MAGIC_JPEG, Buffer.alloc(DEFAULT_MAX_UPLOAD_BYTES)]);
    const error = await rejection(() => validateUpload({ field: 'front', bytes: over }));
    expect(error.code).toBe('file_too_large');
    expect(error.status).toBe(422);
    expect(error.extras).toMatchObject({ field: 'front', maxBytes: DEFAULT_MAX_UPLOAD_BYTES });
  });

  it('applies a configured size limit', async () => {
    expect(
      (await rejection(() => validateUpload({ field: 'front', bytes: JPEG }, { maxBytes: 10 })))
        .code,
    ).toBe('file_too_large');
  });

  it('normalises declared types', () => {
    expect(normaliseMediaType(' Image/JPEG; charset=binary')).toBe('image/jpeg');
    expect(normaliseMediaType('image/jpg')).toBe('image/jpeg');
  });
});

describe('validateUpload: images decoded and bounded', () => {
  const refused = async (bytes: Buffer, rules = {}) =>
    rejection(() => validateUpload({ field: 'front', bytes }, rules));

  it('refuses a PNG whose header claims 30000×30000, without inflating it', async () => {
    const bomb = pngClaiming(30_000, 30_000);
    expect(bomb.length).toBeLessThan(2048);
    const started = Date.now();
    const error = await refused(bomb);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.code).toBe('image_too_large');
    expect(error.status).toBe(422);
    expect(error.extras).toEqual({
      field: 'front',
      width: 30_000,
      height: 30_000,
      maxSide: 10_000,
      maxPixels: 40_000_000,
    });
  });

  it('bounds each side and the pixel count, as configured', async () => {
    expect((await refused(pngClaiming(10_001, 10))).code).toBe('image_too_large');
    expect((await refused(pngClaiming(8000, 6000))).code).toBe('image_too_large');
    const wide = await noise(300, 20).png().toBuffer();
    expect((await refused(wide, { maxImageSide: 200 })).extras).toMatchObject({
      width: 300,
      height: 20,
      maxSide: 200,
    });
    expect((await refused(wide, { maxImagePixels: 5000 })).code).toBe('image_too_large');
    expect(
      (await validateUpload({ field: 'front', bytes: wide }, { maxImageSide: 300 })).size,
    ).toBe(wide.length);
  });

  it.each([
    ['a JPEG', () => JPEG],
    ['a PNG', () => PNG],
  ])('refuses %s with an HTML page appended after its end', async (_name, image) => {
    const page = Buffer.from('<html><script>alert(1)</script>');
    const error = await refused(Buffer.concat([image(), page]));
    expect(error.code).toBe('unsupported_document');
    expect(error.extras).toMatchObject({
      field: 'front',
      reason: 'trailing_data',
      trailingBytes: page.length,
    });
  });

  it('refuses a JPEG that is also a ZIP archive', async () => {
    const zip = Buffer.from('504b0506000000000000000000000000000000000000', 'hex');
    expect((await refused(Buffer.concat([JPEG, zip]))).extras.reason).toBe('trailing_data');
  });

  it('refuses a JPEG whose comment carries a script', async () => {
    const comment = Buffer.from('<script>fetch("/v1/backoffice/cases")</script>', 'latin1');
    const segment = Buffer.alloc(4);
    segment.writeUInt16BE(0xfffe, 0);
    segment.writeUInt16BE(comment.length + 2, 2);
    const withComment = Buffer.concat([JPEG.subarray(0, 2), segment, comment, JPEG.subarray(2)]);
    expect((await refused(withComment)).extras).toMatchObject({ reason: 'embedded_markup' });
  });

  it('refuses an image that does not decode fully', async () => {
    const truncated = JPEG.subarray(0, JPEG.length - 100);
    expect((await refused(truncated)).extras.reason).toBe('undecodable');
    const withoutEnd = Buffer.concat([truncated, Buffer.from([0xff, 0xd9])]);
    expect((await refused(withoutEnd)).extras.reason).toBe('undecodable');
    const corrupt = Buffer.from(PNG);
    for (let i = 100; i < 160; i++) corrupt[i] ^= 0x5a;
    expect((await refused(corrupt)).extras.reason).toBe('undecodable');
    expect((await refused(MAGIC_PNG)).extras.reason).toBe('undecodable');
  });
});

describe('validateUpload: PDFs without active content', () => {
  const refused = async (bytes: Buffer) =>
    rejection(() => validateUpload({ field: 'certificates', bytes }));
  const catalogWith = (entries: string) => `<< /Type /Catalog /Pages 2 0 R ${entries} >>`;
  const pages = '<< /Type /Pages /Kids [] /Count 0 >>';
  // An object stream holding object 3, as PDF 1.5 writers compress dictionaries.
  const objectStream = (
    object: string,
    dictionary = '/Filter /FlateDecode',
    encode: (data: Buffer) => Buffer = (data) => deflateSync(data),
  ) => {
    const header = '3 0 ';
    return {
      dictionary: `/Type /ObjStm /N 1 /First ${header.length} ${dictionary}`,
      stream: encode(Buffer.from(header + object, 'latin1')),
    };
  };

  it.each([
    [
      '/JavaScript in the catalog',
      catalogWith('/OpenAction << /S /JavaScript /JS (app.alert(1)) >>'),
    ],
    ['/AA on a page', catalogWith('/AA << /O 3 0 R >>')],
    ['a /Launch action', catalogWith('/OpenAction << /S /Launch /F (cmd.exe) >>')],
    ['an escaped name', catalogWith('/Names << /J#61vaScript 3 0 R >>')],
    ['an embedded file', catalogWith('/Names << /EmbeddedFiles 3 0 R >>')],
    ['an XFA form', catalogWith('/AcroForm << /XFA 3 0 R >>')],
  ])('refuses %s', async (_name, catalog) => {
    const error = await refused(buildPdf([catalog, pages]));
    expect(error.code).toBe('unsupported_document');
    expect(error.extras).toMatchObject({ field: 'certificates', reason: 'active_content' });
  });

  it('finds /JavaScript hidden in a compressed object stream', async () => {
    const hidden = objectStream('<< /S /JavaScript /JS (app.alert(1)) >>');
    expect(hidden.stream.toString('latin1')).not.toContain('JavaScript');
    const error = await refused(buildPdf([catalogWith('/OpenAction 3 0 R'), pages, hidden]));
    expect(error.extras).toMatchObject({ reason: 'active_content' });
    const quiet = buildPdf([catalogWith(''), pages, objectStream('<< /S /SubmitForm >>')]);
    expect((await refused(quiet)).extras).toMatchObject({ name: 'SubmitForm' });
  });

  it('finds it behind a PNG predictor or ASCII85 too', async () => {
    const object = '<< /Type /Action /S /ImportData /F (x.fdf) >>';
    // Columns 8, PNG "Sub" filter on every row: each byte stored as the difference.
    const predicted = (data: Buffer) => {
      const rows: Buffer[] = [];
      for (let at = 0; at < data.length; at += 8) {
        const row = Buffer.alloc(8);
        data.copy(row, 0, at, at + 8);
        const encoded = Buffer.from(row.map((byte, i) => (byte - (i ? row[i - 1] : 0)) & 0xff));
        rows.push(Buffer.concat([Buffer.from([1]), encoded]));
      }
      return deflateSync(Buffer.concat(rows));
    };
    const withPredictor = objectStream(
      object,
      '/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 8 >>',
      predicted,
    );
    expect(inflateSync(withPredictor.stream).toString('latin1')).not.toContain('ImportData');
    const predictedPdf = buildPdf([catalogWith(''), pages, withPredictor]);
    expect((await refused(predictedPdf)).extras).toMatchObject({
      reason: 'active_content',
      name: 'ImportData',
    });
    const inAscii85 = objectStream(object, '/Filter [/ASCII85Decode /FlateDecode]', (data) =>
      ascii85(deflateSync(data)),
    );
    expect((await refused(buildPdf([catalogWith(''), pages, inAscii85]))).extras).toMatchObject({
      name: 'ImportData',
    });
  });

  it('refuses an encrypted PDF, one with data after %%EOF, and one that does not inflate', async () => {
    const encrypted = buildPdf([catalogWith(''), pages])
      .toString('latin1')
      .replace('/Root 1 0 R', '/Root 1 0 R /Encrypt << /Filter /Standard /V 2 >>');
    expect((await refused(Buffer.from(encrypted, 'latin1'))).extras.reason).toBe('encrypted');
    const appended = Buffer.concat([PDF, Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]);
    expect((await refused(appended)).extras.reason).toBe('trailing_data');
    const broken = buildPdf([
      catalogWith(''),
      pages,
      { dictionary: '/Filter /FlateDecode', stream: Buffer.from('not deflated at all') },
    ]);
    expect((await refused(broken)).extras.reason).toBe('undecodable');
  });

  it('stops inflating a decompression bomb at the limit', async () => {
    const bomb = buildPdf([
      catalogWith(''),
      pages,
      { dictionary: '/Filter /FlateDecode', stream: deflateSync(Buffer.alloc(80 * 1024 * 1024)) },
    ]);
    expect(bomb.length).toBeLessThan(200 * 1024);
    expect((await refused(bomb)).extras.reason).toBe('too_complex');
  });

  it('reads an image stream of uncertain length as the file’s own bytes', async () => {
    // "stream" inside a string must not hide the objects after it from the check.
    const smuggled = buildPdf([
      catalogWith('/Metadata 3 0 R'),
      pages,
      '<< /Subtype /Image /Filter /DCTDecode /Length 9 0 R >>\nstream\n(x)\nendobj\n' +
        '4 0 obj\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendstream',
    ]);
    expect((await refused(smuggled)).extras).toMatchObject({ reason: 'active_content' });
  });

  it('passes over image streams, and accepts a plain scan', async () => {
    const jpegImage = {
      dictionary:
        '/Type /XObject /Subtype /Image /Width 64 /Height 48 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode',
      stream: Buffer.concat([JPEG, Buffer.from('/JS /AA /OpenAction', 'latin1')]),
    };
    const scan = buildPdf([catalogWith(''), pages, jpegImage]);
    expect((await validateUpload({ field: 'certificates', bytes: scan })).contentType).toBe(
      'application/pdf',
    );
  });
});

// ASCII85 as PDF writers produce it: 4 bytes to 5 characters, `z` for zeros, `~>` at the end.
function ascii85(data: Buffer): Buffer {
  let out = '';
  for (let at = 0; at < data.length; at += 4) {
    const chunk = Buffer.alloc(4);
    data.copy(chunk, 0, at, at + 4);
    let value = chunk.readUInt32BE(0);
    const taken = Math.min(4, data.length - at);
    if (value === 0 && taken === 4) {
      out += 'z';
      continue;
    }
    const digits: string[] = [];
    for (let i = 0; i < 5; i++) {
      digits.unshift(String.fromCharCode((value % 85) + 33));
      value = Math.floor(value / 85);
    }
    out += digits.slice(0, taken + 1).join('');
  }
  return Buffer.from(`${out}~>`, 'latin1');
}

describe('assertCertificateCount', () => {
  it.each([2, 3, 4])('accepts %i certificates', (count) => {
    expect(() => assertCertificateCount(count)).not.toThrow();
  });

  it.each([0, 1, 5])('refuses %i certificates', async (count) => {
    const error = await rejection(() => assertCertificateCount(count));
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
  ])('refuses %j', async (parts, field, received) => {
    const error = await rejection(() => requireIdPhotoPair(parts));
    expect(error.code).toBe('invalid_id_photos');
    expect(error.extras).toEqual({ field, received });
  });
});
