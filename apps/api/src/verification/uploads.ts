import {
  assertCertificateCount,
  DEFAULT_MAX_UPLOAD_BYTES,
  requireIdPhotoPair,
  validateUpload,
  type AcceptedUpload,
  type UploadRules,
} from '@shiming/integrations';
import { UploadInterceptor } from '../http/upload.interceptor';

/** A multipart file as multer (memory storage) hands it over. */
export interface UploadedPart {
  fieldname: string;
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

// Read at most this many certificates: a few more than a step takes, so that the
// step's own rule answers a count it refuses (`invalid_certificate_count`).
const MAX_CERTIFICATES_READ = 10;

/** Reads a manual review's or appeal's certificates (multipart field `certificates`). */
export const CertificatesUpload = UploadInterceptor(
  [{ name: 'certificates', maxCount: MAX_CERTIFICATES_READ }],
  DEFAULT_MAX_UPLOAD_BYTES,
);

/** Reads the ID card's photos (multipart fields `front` and `back`). */
export const IdPhotosUpload = UploadInterceptor(
  [
    { name: 'front', maxCount: 2 },
    { name: 'back', maxCount: 2 },
  ],
  DEFAULT_MAX_UPLOAD_BYTES,
);

/** What the configuration bounds in an uploaded image (UPLOAD_MAX_IMAGE_*). */
export type ImageLimits = Pick<UploadRules, 'maxImageSide' | 'maxImagePixels'>;

/** A manual review's or appeal's 2–4 certificates: images or PDF scans, by their bytes. */
export async function acceptCertificates(
  files: { certificates?: UploadedPart[] } | undefined,
  limits: ImageLimits = {},
): Promise<AcceptedUpload[]> {
  const parts = files?.certificates ?? [];
  assertCertificateCount(parts.length);
  // One at a time: each image is decoded in full, and a refusal stops the rest.
  const accepted: AcceptedUpload[] = [];
  for (const part of parts) accepted.push(await accept('certificates', part, limits));
  return accepted;
}

/** The ID card's front and back photos: images only, the document check reads them. */
export async function acceptIdPhotos(
  files: { front?: UploadedPart[]; back?: UploadedPart[] } = {},
  limits: ImageLimits = {},
): Promise<{ front: AcceptedUpload; back: AcceptedUpload }> {
  const { front, back } = requireIdPhotoPair(files);
  const images = { ...limits, allowedTypes: ['image/jpeg', 'image/png'] as const };
  return { front: await accept('front', front, images), back: await accept('back', back, images) };
}

function accept(field: string, part: UploadedPart, rules: UploadRules): Promise<AcceptedUpload> {
  return validateUpload(
    {
      field,
      bytes: part.buffer,
      // A part without a type of its own is typed by its bytes alone.
      ...(part.mimetype && part.mimetype !== 'application/octet-stream'
        ? { declaredType: part.mimetype }
        : {}),
      fileName: part.originalname,
    },
    rules,
  );
}
