import sharp from 'sharp';

// Uploaded documents are personal data: none stays in libvips' operation cache.
sharp.cache(false);

export interface ImageBounds {
  /** Longest side, in pixels. */
  maxSide: number;
  /** Most pixels (width × height). */
  maxPixels: number;
}

export type DecodedImage =
  | { outcome: 'decoded'; width: number; height: number }
  | { outcome: 'too_large'; width: number; height: number }
  | { outcome: 'undecodable' };

/**
 * Decodes a JPEG or PNG completely, off the event loop (libvips runs on libuv's
 * threads): the size its header claims is checked against the bounds first, so that
 * a small file claiming 30000×30000 is refused before any pixel is inflated; then
 * every pixel is decoded, and a truncated or corrupt image, or a libjpeg or libpng
 * warning, refuses it.
 */
export async function decodeImage(
  bytes: Buffer,
  format: 'jpeg' | 'png',
  bounds: ImageBounds,
): Promise<DecodedImage> {
  let width: number;
  let height: number;
  try {
    const header = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (header.format !== format || !header.width || !header.height) {
      return { outcome: 'undecodable' };
    }
    ({ width, height } = header);
  } catch {
    return { outcome: 'undecodable' };
  }
  if (Math.max(width, height) > bounds.maxSide || width * height > bounds.maxPixels) {
    return { outcome: 'too_large', width, height };
  }
  try {
    await sharp(bytes, {
      failOn: 'warning',
      limitInputPixels: bounds.maxPixels,
      sequentialRead: true,
    }).stats();
  } catch {
    return { outcome: 'undecodable' };
  }
  return { outcome: 'decoded', width, height };
}
