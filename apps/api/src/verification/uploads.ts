import {
  assertCertificateCount,
  DEFAULT_MAX_UPLOAD_BYTES,
  requireIdPhotoPair,
  validateUpload,
  type AcceptedUpload,
  type UploadRules,
} from '@shiming/integrations';

/** A multipart file as multer (memory storage) hands it over. */
export interface UploadedPart {
  fieldname: string;
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

// Multer stops reading beyond this; between the upload limit and this, the answer is
// our own 422 `file_too_large` rather than multer's 413.
export const MULTER_OPTIONS = { limits: { fileSize: 2 * DEFAULT_MAX_UPLOAD_BYTES, files: 10 } };

/** What the configuration bounds in an uploaded image (UPLOAD_MAX_IMAGE_*). */
export type ImageLimits = Pick<UploadRules, 'maxImageSide' | 'maxImagePixels'>;

/** A manual review's or appeal's 2–4 certificates: images or PDF scans, by their bytes. */
export async function acceptCertificates(
  files: UploadedPart[] | undefined,
  limits: ImageLimits = {},
): Promise<AcceptedUpload[]> {
  const parts = files ?? [];
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
