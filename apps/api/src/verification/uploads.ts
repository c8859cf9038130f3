import {
  assertCertificateCount,
  DEFAULT_MAX_UPLOAD_BYTES,
  requireIdPhotoPair,
  validateUpload,
  type AcceptedUpload,
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

/** A manual review's or appeal's 2–4 certificates: images or PDF scans, by their bytes. */
export function acceptCertificates(files: UploadedPart[] | undefined): AcceptedUpload[] {
  const parts = files ?? [];
  assertCertificateCount(parts.length);
  return parts.map((part) => accept('certificates', part));
}

/** The ID card's front and back photos: images only, the document check reads them. */
export function acceptIdPhotos(files: { front?: UploadedPart[]; back?: UploadedPart[] } = {}): {
  front: AcceptedUpload;
  back: AcceptedUpload;
} {
  const { front, back } = requireIdPhotoPair(files);
  const images = { allowedTypes: ['image/jpeg', 'image/png'] as const };
  return { front: accept('front', front, images), back: accept('back', back, images) };
}

function accept(
  field: string,
  part: UploadedPart,
  rules?: Parameters<typeof validateUpload>[1],
): AcceptedUpload {
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
