import { DomainError } from '@shiming/common';

// Upload rules at the edge, before anything is stored: the real type from the bytes,
// a size limit, and how many files each step takes. Every refusal is a 422 (DESIGN §4:
// "422 for bad input") with one of these stable codes, rather than 413/415, so that
// clients handle every bad upload the same way and read the code.

export type SupportedMediaType = 'image/jpeg' | 'image/png' | 'application/pdf';

export type UploadErrorCode =
  /** Not JPEG, PNG or PDF by its bytes, not allowed here, or not what it claims to be. */
  | 'unsupported_media_type'
  | 'file_too_large'
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
}

export interface AcceptedUpload {
  field: string;
  bytes: Buffer;
  contentType: SupportedMediaType;
  size: number;
}

/** @throws UploadRejectedError `file_too_large` or `unsupported_media_type`. */
export function validateUpload(upload: Upload, rules: UploadRules = {}): AcceptedUpload {
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
  return { field, bytes, contentType: detected, size: bytes.length };
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
