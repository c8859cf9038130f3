export type IdPhotoSide = 'front' | 'back';

export interface IdPhoto {
  side: IdPhotoSide;
  bytes: Buffer;
  contentType: string;
}

export type DocumentCheckResult =
  | { outcome: 'accepted' }
  /** `reasonCode` is stable and shown to the user; the sandbox's is `image_too_small`. */
  | { outcome: 'rejected'; reasonCode: string };

/** Checks an ID photo (step 4) for legibility and authenticity. */
export interface DocumentCheck {
  check(photo: IdPhoto): Promise<DocumentCheckResult>;
}

export const DOCUMENT_CHECK = Symbol('DocumentCheck');
