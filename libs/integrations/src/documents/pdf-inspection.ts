import { inflate } from 'node:zlib';
import { promisify } from 'node:util';

const inflateAsync = promisify(inflate);

// Names that make a PDF do something when opened or clicked: run a script, start a
// program, submit or import form data, carry files or Flash, or an XFA form.
const ACTIVE_NAMES: ReadonlySet<string> = new Set([
  'JavaScript',
  'JS',
  'OpenAction',
  'AA',
  'Launch',
  'EmbeddedFile',
  'EmbeddedFiles',
  'RichMedia',
  'XFA',
  'SubmitForm',
  'ImportData',
]);

// Image codecs: their streams are pixels, where a name means nothing.
const IMAGE_FILTERS: ReadonlySet<string> = new Set([
  'DCTDecode',
  'JPXDecode',
  'CCITTFaxDecode',
  'JBIG2Decode',
]);
const ABBREVIATED_FILTERS: Record<string, string> = {
  Fl: 'FlateDecode',
  AHx: 'ASCIIHexDecode',
  A85: 'ASCII85Decode',
  LZW: 'LZWDecode',
  RL: 'RunLengthDecode',
  DCT: 'DCTDecode',
  CCF: 'CCITTFaxDecode',
};

export interface PdfLimits {
  /** Most bytes all streams together may inflate to: a decompression bomb stops here. */
  maxInflatedBytes: number;
  /** Most streams read. */
  maxStreams: number;
}

export const DEFAULT_PDF_LIMITS: PdfLimits = {
  maxInflatedBytes: 64 * 1024 * 1024,
  maxStreams: 5000,
};

export type PdfFinding =
  /** An action, script, embedded file or form name, in the file or in a stream. */
  | { reason: 'active_content'; name: string }
  /** Encrypted: its strings and streams cannot be read, so neither checked. */
  | { reason: 'encrypted' }
  /** Something after the last `%%EOF`: another file riding along. */
  | { reason: 'trailing_data' }
  /** No `%%EOF`, a stream that does not inflate, or a filter we do not read. */
  | { reason: 'undecodable' }
  /** More streams, or more inflated bytes, than the limits allow. */
  | { reason: 'too_complex' };

/**
 * Why a PDF must not be accepted, or null. Reads the file's own bytes and every
 * stream that is not an image, decoded (Flate, ASCIIHex, ASCII85, PNG and TIFF
 * predictors), so that names hidden in compressed object streams are found too.
 * Names are compared after `#xx` escapes are decoded (`/J#61vaScript`). A name
 * inside a string or a page's text counts as well: a false alarm is a refused scan,
 * a miss is a script in a reviewer's viewer.
 */
export async function inspectPdf(
  bytes: Buffer,
  limits: PdfLimits = DEFAULT_PDF_LIMITS,
): Promise<PdfFinding | null> {
  const text = bytes.toString('latin1');
  const eof = text.lastIndexOf('%%EOF');
  if (eof < 0) return { reason: 'undecodable' };
  if (!/^\s*$/.test(text.slice(eof + 5))) return { reason: 'trailing_data' };
  const streams = streamsOf(bytes, text);
  if (streams.length > limits.maxStreams) return { reason: 'too_complex' };
  // Stream data is read decoded (or, for images, not at all) rather than as it lies in
  // the file, where compressed bytes would spell a name by chance.
  const readApart: RawStream[] = [];
  let budget = limits.maxInflatedBytes;
  for (const stream of streams) {
    if (isImage(stream)) {
      // Only an image whose length is known for sure is passed over: a "stream"
      // keyword inside a string must not hide the objects that follow it.
      if (stream.exactLength) readApart.push(stream);
      continue;
    }
    const decoded = await decodeStream(stream, budget);
    if (decoded === 'too_large') return { reason: 'too_complex' };
    if (decoded === 'undecodable') return { reason: 'undecodable' };
    budget -= decoded.length;
    const inside = findNames(decoded.toString('latin1'));
    if (inside.active) return { reason: 'active_content', name: inside.active };
    if (inside.encrypted) return { reason: 'encrypted' };
    readApart.push(stream);
  }
  const found = findNames(outside(text, readApart));
  if (found.encrypted) return { reason: 'encrypted' };
  if (found.active) return { reason: 'active_content', name: found.active };
  return null;
}

// A name is `/` and regular characters: anything but whitespace and delimiters.
const NAME = /\/([^\s()<>[\]{}/%]+)/g;

function findNames(text: string): { active?: string; encrypted: boolean } {
  let encrypted = false;
  for (const match of text.matchAll(NAME)) {
    const name = decodeName(match[1]);
    if (ACTIVE_NAMES.has(name)) return { active: name, encrypted };
    if (name === 'Encrypt') encrypted = true;
  }
  return { encrypted };
}

function decodeName(raw: string): string {
  return raw.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

interface RawStream {
  dictionary: string;
  /** Where its data starts and ends in the file. */
  start: number;
  end: number;
  /** Its `/Length` (direct, or an indirect object found) ends it right before `endstream`. */
  exactLength: boolean;
  data: Buffer;
}

// `stream` at the end of a dictionary, not the end of `endstream`.
const STREAM_START = /(?<![A-Za-z])stream(?:\r\n|\n|\r)/g;

function streamsOf(bytes: Buffer, text: string): RawStream[] {
  const streams: RawStream[] = [];
  let after = 0;
  for (const match of text.matchAll(STREAM_START)) {
    const keyword = match.index ?? 0;
    if (keyword < after) continue; // inside the previous stream's data
    const start = keyword + match[0].length;
    const objectStart = text.lastIndexOf(' obj', keyword);
    const dictionary = text.slice(Math.max(objectStart, keyword - 4096, 0), keyword);
    const endstream = text.indexOf('endstream', start);
    if (endstream < 0) continue; // truncated: no reader takes it either
    const length = lengthOf(dictionary, text);
    const exactLength =
      length !== undefined &&
      start + length <= endstream &&
      /^\s*$/.test(text.slice(start + length, endstream));
    const end = exactLength ? start + length : trimEol(text, start, endstream);
    streams.push({ dictionary, start, end, exactLength, data: bytes.subarray(start, end) });
    after = endstream;
  }
  return streams;
}

function lengthOf(dictionary: string, text: string): number | undefined {
  const direct = /\/Length\s+(\d+)(?!\d|\s+\d+\s+R)/.exec(dictionary);
  if (direct) return Number(direct[1]);
  const reference = /\/Length\s+(\d+)\s+(\d+)\s+R/.exec(dictionary);
  if (!reference) return undefined;
  const object = new RegExp(
    `(?<!\\d)${reference[1]}\\s+${reference[2]}\\s+obj\\s*(\\d+)\\s*endobj`,
  );
  const found = object.exec(text);
  return found ? Number(found[1]) : undefined;
}

function trimEol(text: string, start: number, endstream: number): number {
  let end = endstream;
  if (end > start && text[end - 1] === '\n') end--;
  if (end > start && text[end - 1] === '\r') end--;
  return end;
}

// The file's text without the data of the streams read apart.
function outside(text: string, streams: readonly RawStream[]): string {
  const parts: string[] = [];
  let from = 0;
  for (const stream of [...streams].sort((a, b) => a.start - b.start)) {
    parts.push(text.slice(from, stream.start));
    from = Math.max(from, stream.end);
  }
  parts.push(text.slice(from));
  return parts.join(' ');
}

function isImage(stream: RawStream): boolean {
  return (
    /\/Subtype\s*\/Image\b/.test(stream.dictionary) ||
    filtersOf(stream.dictionary).some((filter) => IMAGE_FILTERS.has(filter))
  );
}

function filtersOf(dictionary: string): string[] {
  const filter = /\/Filter\s*(\[[^\]]*\]|\/[^\s()<>[\]{}/%]+)/.exec(dictionary)?.[1];
  if (!filter) return [];
  return [...filter.matchAll(NAME)].map((m) => {
    const name = decodeName(m[1]);
    return ABBREVIATED_FILTERS[name] ?? name;
  });
}

async function decodeStream(
  stream: RawStream,
  budget: number,
): Promise<Buffer | 'too_large' | 'undecodable'> {
  let data = stream.data;
  for (const filter of filtersOf(stream.dictionary)) {
    if (filter === 'FlateDecode') {
      try {
        data = await inflateAsync(data, { maxOutputLength: Math.max(budget, 1) });
      } catch (error) {
        return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
          ? 'too_large'
          : 'undecodable';
      }
    } else if (filter === 'ASCIIHexDecode') {
      data = asciiHexDecode(data);
    } else if (filter === 'ASCII85Decode') {
      const decoded = ascii85Decode(data);
      if (!decoded) return 'undecodable';
      data = decoded;
    } else {
      return 'undecodable'; // LZW, RunLength, Crypt or unknown: not read, so not accepted
    }
    if (data.length > budget) return 'too_large';
  }
  return undoPredictor(data, stream.dictionary) ?? 'undecodable';
}

function asciiHexDecode(data: Buffer): Buffer {
  const hex = data
    .toString('latin1')
    .split('>', 1)[0]
    .replace(/[^0-9A-Fa-f]/g, '');
  return Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex');
}

function ascii85Decode(data: Buffer): Buffer | null {
  const text = data.toString('latin1').replace(/\s/g, '').replace(/^<~/, '').split('~>', 1)[0];
  const out: number[] = [];
  let group: number[] = [];
  for (const char of text) {
    if (char === 'z' && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    const digit = char.charCodeAt(0) - 33;
    if (digit < 0 || digit > 84) return null;
    group.push(digit);
    if (group.length === 5) {
      out.push(...word85(group, 4));
      group = [];
    }
  }
  if (group.length === 1) return null;
  if (group.length > 0) {
    const n = group.length;
    while (group.length < 5) group.push(84);
    out.push(...word85(group, n - 1));
  }
  return Buffer.from(out);
}

function word85(digits: number[], take: number): number[] {
  const value = digits.reduce((sum, digit) => sum * 85 + digit, 0) >>> 0;
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].slice(0, take);
}

/** Undoes a PNG (10–15) or TIFF (2) predictor, which would scramble any names. */
function undoPredictor(data: Buffer, dictionary: string): Buffer | null {
  const number = (key: string, fallback: number) =>
    Number(new RegExp(`/${key}\\s+(\\d+)`).exec(dictionary)?.[1] ?? fallback);
  const predictor = number('Predictor', 1);
  if (predictor < 2) return data;
  const bytesPerPixel = Math.max(
    1,
    Math.ceil((number('Colors', 1) * number('BitsPerComponent', 8)) / 8),
  );
  const rowLength = Math.ceil(
    (number('Columns', 1) * number('Colors', 1) * number('BitsPerComponent', 8)) / 8,
  );
  if (rowLength < 1) return null;
  if (predictor === 2) {
    const out = Buffer.from(data);
    for (let row = 0; row < out.length; row += rowLength) {
      for (let i = row + bytesPerPixel; i < Math.min(row + rowLength, out.length); i++) {
        out[i] = (out[i] + out[i - bytesPerPixel]) & 0xff;
      }
    }
    return out;
  }
  if (predictor < 10) return null;
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = Buffer.alloc(rows * rowLength);
  for (let row = 0; row < rows; row++) {
    const type = data[row * (rowLength + 1)];
    const source = row * (rowLength + 1) + 1;
    const at = row * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const left = i >= bytesPerPixel ? out[at + i - bytesPerPixel] : 0;
      const up = row > 0 ? out[at + i - rowLength] : 0;
      const upLeft = row > 0 && i >= bytesPerPixel ? out[at + i - rowLength - bytesPerPixel] : 0;
      const raw = data[source + i];
      let value: number;
      switch (type) {
        case 0:
          value = raw;
          break;
        case 1:
          value = raw + left;
          break;
        case 2:
          value = raw + up;
          break;
        case 3:
          value = raw + ((left + up) >> 1);
          break;
        case 4:
          value = raw + paeth(left, up, upLeft);
          break;
        default:
          return null;
      }
      out[at + i] = value & 0xff;
    }
  }
  return out;
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const [a, b, c] = [
    Math.abs(estimate - left),
    Math.abs(estimate - up),
    Math.abs(estimate - upLeft),
  ];
  return a <= b && a <= c ? left : b <= c ? up : upLeft;
}
