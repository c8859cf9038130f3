import type { NestInterceptor, Type } from '@nestjs/common';
import type { ApiBodyOptions } from '@nestjs/swagger';
import {
  assertCertificateCount,
  DEFAULT_MAX_UPLOAD_BYTES,
  requireIdPhotoPair,
  validateUpload,
  type AcceptedUpload,
  type UploadRules,
} from '@shiming/integrations';
import { problem, type ProblemSpec } from '../http/api-problems';
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
const CertificatesUpload = UploadInterceptor(
  [{ name: 'certificates', maxCount: MAX_CERTIFICATES_READ }],
  DEFAULT_MAX_UPLOAD_BYTES,
);

/** Reads the ID card's photos (multipart fields `front` and `back`). */
const IdPhotosUpload = UploadInterceptor(
  [
    { name: 'front', maxCount: 2 },
    { name: 'back', maxCount: 2 },
  ],
  DEFAULT_MAX_UPLOAD_BYTES,
);

const CERTIFICATES_BODY = {
  schema: {
    type: 'object',
    required: ['certificates'],
    properties: {
      certificates: {
        type: 'array',
        minItems: 2,
        maxItems: 4,
        items: { type: 'string', format: 'binary' },
        description: '2–4 distinct images (JPEG, PNG) or PDF scans of identity documents',
      },
    },
  },
};

const ID_PHOTOS_BODY = {
  schema: {
    type: 'object',
    required: ['front', 'back'],
    properties: {
      front: { type: 'string', format: 'binary', description: 'The ID card’s front (JPEG or PNG)' },
      back: { type: 'string', format: 'binary', description: 'The ID card’s back (JPEG or PNG)' },
    },
  },
};

/** An image that is too large to decode, or not a whole image of its type alone. */
function imageProblems(field: string): ProblemSpec[] {
  return [
    problem(422, 'image_too_large', `${field}: the image is 30000 × 30000 pixels.`, {
      field,
      width: 30_000,
      height: 30_000,
      maxSide: 10_000,
      maxPixels: 40_000_000,
    }),
    problem(422, 'unsupported_document', `${field}: there are bytes after the end of the image.`, {
      field,
      reason: 'trailing_data',
      trailingBytes: 512,
    }),
  ];
}

const CERTIFICATE_PROBLEMS = [
  problem(422, 'invalid_certificate_count', 'Send between 2 and 4 certificates; 1 received.', {
    field: 'certificates',
    min: 2,
    max: 4,
    received: 1,
  }),
  problem(422, 'invalid_certificates', 'The same document was sent twice.'),
  problem(422, 'unsupported_media_type', 'certificates: the file is not a JPEG, PNG or PDF.', {
    field: 'certificates',
  }),
  ...imageProblems('certificates'),
  problem(422, 'unsupported_document', 'certificates: the PDF has active content.', {
    field: 'certificates',
    reason: 'active_content',
    name: '/JavaScript',
  }),
];

const ID_PHOTO_PROBLEMS = [
  problem(422, 'invalid_id_photos', 'Send one front and one back photo.'),
  problem(422, 'unsupported_media_type', 'front: the file is not a JPEG or PNG.', {
    field: 'front',
  }),
  ...imageProblems('front'),
  problem(
    422,
    'identical_id_photos',
    'The front and the back of the ID card must be two different photos.',
  ),
];

/** What a step that takes files reads, documents as its body, and may refuse. */
export interface StepUpload {
  /** Reads the multipart body into `request.files`. */
  files: Type<NestInterceptor>;
  body: ApiBodyOptions;
  problems: ProblemSpec[];
}

/** A manual review's or appeal's dual certificates. */
export const CERTIFICATES: StepUpload = {
  files: CertificatesUpload,
  body: CERTIFICATES_BODY,
  problems: CERTIFICATE_PROBLEMS,
};

/** The ID card's front and back photos. */
export const ID_PHOTOS: StepUpload = {
  files: IdPhotosUpload,
  body: ID_PHOTOS_BODY,
  problems: ID_PHOTO_PROBLEMS,
};

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
