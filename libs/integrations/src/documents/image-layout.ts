// The layout of a JPEG or PNG file, read without decoding it: where the image ends
// (JPEG's EOI marker, PNG's IEND chunk), and the bytes outside its pixel data. Bytes
// after the end are what makes a file both an image and something else (HTML, a ZIP
// archive); markup in the metadata is what a browser sniffing the file would run.

export interface ImageLayout {
  /** The offset just past the image's last byte. */
  end: number;
  /** Every segment or chunk but the compressed pixels (JPEG scans, PNG IDAT). */
  metadata: Buffer[];
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The layout of a JPEG, or null when its markers are broken or it ends early. */
export function jpegLayout(bytes: Buffer): ImageLayout | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  const metadata: Buffer[] = [];
  let at = 2;
  for (;;) {
    if (bytes[at] !== 0xff) return null;
    while (bytes[at] === 0xff) at++; // fill bytes before a marker
    if (at >= bytes.length) return null;
    const marker = bytes[at++];
    if (marker === 0xd9) return { end: at, metadata }; // EOI
    if (marker === 0xd8 || marker === 0x00) return null;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (at + 2 > bytes.length) return null;
    const length = bytes.readUInt16BE(at);
    if (length < 2 || at + length > bytes.length) return null;
    if (marker !== 0xda) metadata.push(bytes.subarray(at + 2, at + length));
    at += length;
    if (marker === 0xda) {
      // A scan's entropy-coded data runs to the next marker that is not a stuffed
      // 0x00 or a restart marker.
      const next = endOfScan(bytes, at);
      if (next < 0) return null;
      at = next;
    }
  }
}

function endOfScan(bytes: Buffer, from: number): number {
  for (let at = bytes.indexOf(0xff, from); at >= 0; at = bytes.indexOf(0xff, at + 1)) {
    const next = bytes[at + 1];
    if (next === undefined) return -1;
    if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) continue;
    return at;
  }
  return -1;
}

/** The layout of a PNG, or null when its chunks are broken or it ends before IEND. */
export function pngLayout(bytes: Buffer): ImageLayout | null {
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  const metadata: Buffer[] = [];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const dataEnd = at + 8 + length;
    if (!/^[A-Za-z]{4}$/.test(type) || dataEnd + 4 > bytes.length) return null;
    if (at === 8 && type !== 'IHDR') return null;
    if (type !== 'IDAT') metadata.push(bytes.subarray(at + 8, dataEnd));
    at = dataEnd + 4; // past the CRC
    if (type === 'IEND') return { end: at, metadata };
  }
  return null;
}

// What a browser would treat as a page or a script if it ever sniffed the bytes.
const MARKUP = /<(?:script|html|body|iframe|svg|object|embed|\?php|!doctype)|javascript:/i;

/** Whether any of the metadata holds HTML, SVG, PHP or a script URL. */
export function holdsMarkup(metadata: readonly Buffer[]): boolean {
  return metadata.some((segment) => MARKUP.test(segment.toString('latin1')));
}
