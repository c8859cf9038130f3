import { DomainError } from '@shiming/common';
import { decodeImage, type ImageBounds } from './image-decoding';
import { holdsMarkup, jpegLayout, pngLayout } from './image-layout';
import { inspectPdf, type PdfFinding, type PdfLimits } from './pdf-inspection';

// Upload rules at the edge, before anything is stored: the real type from the bytes,
// a size limit, the content itself (images decoded and bounded, nothing after their
// end; PDFs without active content), and how many files each step takes. Every
// refusal is a 422 (DESIGN §4: "422 for bad input") with one of these stable codes,
// rather than 413/415, so that clients handle every bad upload the same way and read
// the code.

export type SupportedMediaType = 'image/jpeg' | 'image/png' | 'application/pdf';

export type UploadErrorCode =
  /** Not JPEG, PNG or PDF by its bytes, not allowed here, or not what it claims to be. */
  | 'unsupported_media_type'
  | 'file_too_large'
  /** An image wider, taller or with more pixels than the bounds (`width`, `height`). */
  | 'image_too_large'
  /**
   * The content is not acceptable (`reason`): an image that does not decode fully
   * (`undecodable`), data after the end of the image or PDF (`trailing_data`), markup
   * in an image's metadata (`embedded_markup`), a PDF with scripts, actions, embedded
   * files or forms (`active_content`, `name`), encrypted (`encrypted`), or past the
   * limits of what is read (`too_complex`).
   */
  | 'unsupported_document'
  /** Manual review and appeal take 2–4 certificates. */
  | 'invalid_certificate_count'
  /** ID photos are exactly one front and one back. */
  | 'invalid_id_photos';

export class UploadRejectedError extends DomainError {
  readonly status = 422;

  constructor(
    readonly code: UploadErrorCode,
    detail: string,
    extras: Record<string, unknown> = {},
  ) {
    super(detail, extras);
  }
}

export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/** 10,000 pixels a side and 40 megapixels: more than any phone's photo of a card. */
export const DEFAULT_IMAGE_BOUNDS: ImageBounds = { maxSide: 10_000, maxPixels: 40_000_000 };

export type DocumentRefusal =
  PdfFinding['reason'] | 'undecodable' | 'trailing_data' | 'embedded_markup';

const SIGNATURES: { type: SupportedMediaType; magic: number[] }[] = [
  { type: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
  { type: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // "%PDF-"
];

const EXTENSIONS: Record<string, SupportedMediaType> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  pdf: 'application/pdf',
};

/** The type the bytes really are, by their magic number; null for anything else. */
export function sniffMediaType(bytes: Uint8Array): SupportedMediaType | null {
  const found = SIGNATURES.find(({ magic }) => magic.every((byte, i) => bytes[i] === byte));
  return found?.type ?? null;
}

export interface Upload {
  /** The form field, for the error: `certificates`, `front`, `back`. */
  field: string;
  bytes: Buffer;
  /** The part's Content-Type. Any value given must match the bytes; omit it to trust the bytes. */
  declaredType?: string;
  /** When its extension is .jpg/.jpeg/.png/.pdf, it must match the bytes too. */
  fileName?: string;
}

export interface UploadRules {
  maxBytes?: number;
  allowedTypes?: readonly SupportedMediaType[];
  /** Longest side of an image, in pixels (UPLOAD_MAX_IMAGE_SIDE). */
  maxImageSide?: number;
  /** Most pixels of an image (UPLOAD_MAX_IMAGE_PIXELS). */
  maxImagePixels?: number;
  pdfLimits?: PdfLimits;
}

export interface AcceptedUpload {
  field: string;
  bytes: Buffer;
  contentType: SupportedMediaType;
  size: number;
}

/**
 * Decodes images off the event loop, so it is asynchronous.
 * @throws UploadRejectedError `file_too_large`, `unsupported_media_type`,
 * `image_too_large` or `unsupported_document`.
 */
export async function validateUpload(
  upload: Upload,
  rules: UploadRules = {},
): Promise<AcceptedUpload> {
  const maxBytes = rules.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const allowed = rules.allowedTypes ?? SIGNATURES.map((s) => s.type);
  const { field, bytes } = upload;
  if (bytes.length > maxBytes) {
    throw new UploadRejectedError('file_too_large', `The file is larger than ${maxBytes} bytes.`, {
      field,
      maxBytes,
      size: bytes.length,
    });
  }
  const detected = sniffMediaType(bytes);
  if (!detected || !allowed.includes(detected)) {
    throw new UploadRejectedError(
      'unsupported_media_type',
      `The file must be one of: ${allowed.join(', ')}.`,
      { field, allowedTypes: allowed },
    );
  }
  const declared = upload.declaredType ? normaliseMediaType(upload.declaredType) : undefined;
  const extension = upload.fileName?.match(/\.([a-z0-9]+)$/i)?.[1].toLowerCase();
  const named = extension === undefined ? undefined : EXTENSIONS[extension];
  if ((declared !== undefined && declared !== detected) || (named && named !== detected)) {
    throw new UploadRejectedError(
      'unsupported_media_type',
      `The file's content is ${detected}, which is not the type it claims to be.`,
      { field, detectedType: detected },
    );
  }
  if (detected === 'application/pdf') await assertSafePdf(field, bytes, rules.pdfLimits);
  else await assertSafeImage(field, bytes, detected, rules);
  return { field, bytes, contentType: detected, size: bytes.length };
}

async function assertSafeImage(
  field: string,
  bytes: Buffer,
  type: 'image/jpeg' | 'image/png',
  rules: UploadRules,
): Promise<void> {
  const layout = type === 'image/jpeg' ? jpegLayout(bytes) : pngLayout(bytes);
  if (!layout) throw refusal(field, 'undecodable');
  if (layout.end < bytes.length) {
    throw refusal(field, 'trailing_data', { trailingBytes: bytes.length - layout.end });
  }
  if (holdsMarkup(layout.metadata)) throw refusal(field, 'embedded_markup');
  const bounds = {
    maxSide: rules.maxImageSide ?? DEFAULT_IMAGE_BOUNDS.maxSide,
    maxPixels: rules.maxImagePixels ?? DEFAULT_IMAGE_BOUNDS.maxPixels,
  };
  const decoded = await decodeImage(bytes, type === 'image/jpeg' ? 'jpeg' : 'png', bounds);
  if (decoded.outcome === 'too_large') {
    const { width, height } = decoded;
    throw new UploadRejectedError(
      'image_too_large',
      `The image is ${width}×${height} pixels; at most ${bounds.maxSide} a side and ${bounds.maxPixels} in all are accepted.`,
      { field, width, height, maxSide: bounds.maxSide, maxPixels: bounds.maxPixels },
    );
  }
  if (decoded.outcome === 'undecodable') throw refusal(field, 'undecodable');
}

async function assertSafePdf(field: string, bytes: Buffer, limits?: PdfLimits): Promise<void> {
  const finding = await inspectPdf(bytes, limits);
  if (!finding) return;
  throw refusal(
    field,
    finding.reason,
    finding.reason === 'active_content' ? { name: finding.name } : {},
  );
}

const REFUSALS: Record<DocumentRefusal, string> = {
  undecodable: 'The file is not a complete document that can be read.',
  trailing_data: 'The file carries other data after the end of its document.',
  embedded_markup: 'The image carries markup or script in its metadata.',
  active_content: 'The PDF carries active content (scripts, actions, attachments or forms).',
  encrypted: 'The PDF is encrypted.',
  too_complex: 'The PDF holds more streams or compressed data than is accepted.',
};

function refusal(
  field: string,
  reason: DocumentRefusal,
  extras: Record<string, unknown> = {},
): UploadRejectedError {
  return new UploadRejectedError('unsupported_document', REFUSALS[reason], {
    field,
    reason,
    ...extras,
  });
}

/** `image/JPG; charset=x` → `image/jpeg`. */
export function normaliseMediaType(value: string): string {
  const type = value.split(';', 1)[0].trim().toLowerCase();
  return type === 'image/jpg' ? 'image/jpeg' : type;
}

export const CERTIFICATE_COUNT = { min: 2, max: 4 } as const;

/** @throws UploadRejectedError `invalid_certificate_count` unless 2–4 certificates. */
export function assertCertificateCount(count: number, field = 'certificates'): void {
  const { min, max } = CERTIFICATE_COUNT;
  if (count < min || count > max) {
    throw new UploadRejectedError(
      'invalid_certificate_count',
      `Send between ${min} and ${max} certificates; ${count} received.`,
      { field, min, max, received: count },
    );
  }
}

/**
 * The one front and one back photo out of the parsed form fields.
 * @throws UploadRejectedError `invalid_id_photos` naming the first side missing or repeated.
 */
export function requireIdPhotoPair<T>(parts: { front?: readonly T[]; back?: readonly T[] }): {
  front: T;
  back: T;
} {
  return { front: exactlyOne(parts.front, 'front'), back: exactlyOne(parts.back, 'back') };
}

function exactlyOne<T>(items: readonly T[] | undefined, side: 'front' | 'back'): T {
  if (items?.length === 1) return items[0];
  const received = items?.length ?? 0;
  throw new UploadRejectedError(
    'invalid_id_photos',
    `Send exactly one front and one back photo of the ID card; ${received} ${side} received.`,
    { field: side, received },
  );
}
