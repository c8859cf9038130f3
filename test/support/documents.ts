import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';

// Documents made byte by byte for upload tests: PNGs that decode (or only claim a
// size in their header), and PDFs with whatever objects a test needs.

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC. */
export function pngChunk(type: string, data: Buffer = Buffer.alloc(0)): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

function ihdr(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  return pngChunk('IHDR', header);
}

/** A PNG whose header claims `width` × `height` over a few bytes of pixels. */
export function pngClaiming(width: number, height: number): Buffer {
  return Buffer.concat([
    PNG_SIGNATURE,
    ihdr(width, height),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1024))),
    pngChunk('IEND'),
  ]);
}

/**
 * A PNG of random pixels that decodes fully, `size` bytes long exactly (a text
 * chunk pads it), and different every time. Its pixels take about half the size.
 */
export function randomPng(size = 12 * 1024): Buffer {
  const width = Math.max(1, Math.floor(Math.sqrt(Math.max(0, size - 200) / 6)));
  const height = width;
  const rows = Buffer.concat(
    Array.from({ length: height }, () => Buffer.concat([Buffer.from([0]), randomBytes(width * 3)])),
  );
  const idat = pngChunk('IDAT', deflateSync(rows, { level: 0 }));
  const fixed = PNG_SIGNATURE.length + 25 + idat.length + 12;
  const keyword = Buffer.from('Comment\0', 'latin1');
  const padding = size - fixed - 12 - keyword.length;
  if (padding < 0) throw new RangeError(`A ${width}×${height} PNG takes more than ${size} bytes`);
  const text = pngChunk('tEXt', Buffer.concat([keyword, Buffer.alloc(padding, 'sandbox ')]));
  return Buffer.concat([PNG_SIGNATURE, ihdr(width, height), text, idat, pngChunk('IEND')]);
}

/**
 * A PDF of the given objects (numbered from 1, the first being the catalog), with
 * a cross-reference table and trailer. An object is its text, or a dictionary and
 * the bytes of its stream.
 */
export function buildPdf(objects: (string | { dictionary: string; stream: Buffer })[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0].length;
  objects.forEach((object, index) => {
    offsets.push(length);
    const body =
      typeof object === 'string'
        ? Buffer.from(`${index + 1} 0 obj\n${object}\nendobj\n`, 'latin1')
        : Buffer.concat([
            Buffer.from(
              `${index + 1} 0 obj\n<< ${object.dictionary} /Length ${object.stream.length} >>\nstream\n`,
              'latin1',
            ),
            object.stream,
            Buffer.from('\nendstream\nendobj\n', 'latin1'),
          ]);
    parts.push(body);
    length += body.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} /Root 1 0 R >>`,
    'startxref',
    String(length),
    '%%EOF',
    '',
  ].join('\n');
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}

/** A one-page PDF that shows a line of text, with nothing active in it. */
export function plainPdf(): Buffer {
  const content = Buffer.from('BT /F1 24 Tf 72 720 Td (Sandbox specimen) Tj ET', 'latin1');
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    { dictionary: '/Filter /FlateDecode', stream: deflateSync(content) },
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]);
}
