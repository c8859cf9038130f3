import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// AES-256-GCM with 96-bit random IVs and full 128-bit tags. A random IV is safe for
// far more than 2^32 encryptions under one key; one key serves one subject only.
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;

export const CIPHERTEXT_PREFIX = 'pii1';

export interface Sealed {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/** Throws when the key, the AAD or any byte of the sealed value is not the original. */
export function open(key: Buffer, sealed: Sealed, aad: Buffer): Buffer {
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) {
    throw new Error('Bad IV or tag length');
  }
  // authTagLength pins the tag size: GCM would otherwise accept a truncated tag.
  const decipher = createDecipheriv(ALGORITHM, key, sealed.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

/** A wrapped data key as stored: IV, tag, then the encrypted key. */
export function packWrappedKey(sealed: Sealed): Buffer {
  return Buffer.concat([sealed.iv, sealed.tag, sealed.ciphertext]);
}

export function unpackWrappedKey(packed: Buffer): Sealed {
  return {
    iv: packed.subarray(0, IV_BYTES),
    tag: packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
    ciphertext: packed.subarray(IV_BYTES + TAG_BYTES),
  };
}

// JSON arrays as AAD: unambiguous whatever characters a subject id holds.
export function valueAad(subjectId: string, keyId: string): Buffer {
  return Buffer.from(JSON.stringify([CIPHERTEXT_PREFIX, subjectId, keyId]), 'utf8');
}

export function blobAad(subjectId: string, keyId: string, context: string): Buffer {
  return Buffer.from(JSON.stringify(['pii-blob-1', subjectId, keyId, context]), 'utf8');
}

export function wrappingAad(subjectId: string, keyId: string, masterKeyId: string): Buffer {
  return Buffer.from(JSON.stringify(['pii-data-key-1', subjectId, keyId, masterKeyId]), 'utf8');
}

export interface ParsedCiphertext extends Sealed {
  keyId: string;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/** `pii1.<keyId>.<iv>.<tag>.<ciphertext>`, each part base64url. */
export function formatCiphertext(keyId: string, sealed: Sealed): string {
  return [
    CIPHERTEXT_PREFIX,
    keyId,
    sealed.iv.toString('base64url'),
    sealed.tag.toString('base64url'),
    sealed.ciphertext.toString('base64url'),
  ].join('.');
}

export function parseCiphertext(text: string): ParsedCiphertext | undefined {
  const parts = text.split('.');
  if (parts.length !== 5 || parts[0] !== CIPHERTEXT_PREFIX) return undefined;
  const [, keyId, iv, tag, ciphertext] = parts;
  if (!keyId || ![keyId, iv, tag, ciphertext].every((part) => B64URL.test(part))) return undefined;
  return {
    keyId,
    iv: Buffer.from(iv, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
  };
}

/** True for a string in our ciphertext format; says nothing of whether it opens. */
export function isPiiCiphertext(value: unknown): value is string {
  return typeof value === 'string' && parseCiphertext(value) !== undefined;
}

const BLOB_FORMAT = 0x01;

/** A sealed blob: format (1) | key id length (1) | key id | IV | tag | ciphertext. */
export function packBlob(keyId: string, sealed: Sealed): Buffer {
  const id = Buffer.from(keyId, 'utf8');
  if (id.length > 255) throw new RangeError('Key id too long for a blob');
  return Buffer.concat([
    Buffer.of(BLOB_FORMAT, id.length),
    id,
    sealed.iv,
    sealed.tag,
    sealed.ciphertext,
  ]);
}

export function unpackBlob(blob: Buffer): ParsedCiphertext | undefined {
  if (blob.length < 2 || blob[0] !== BLOB_FORMAT) return undefined;
  const idEnd = 2 + blob[1];
  if (blob.length < idEnd + IV_BYTES + TAG_BYTES) return undefined;
  return {
    keyId: blob.subarray(2, idEnd).toString('utf8'),
    iv: blob.subarray(idEnd, idEnd + IV_BYTES),
    tag: blob.subarray(idEnd + IV_BYTES, idEnd + IV_BYTES + TAG_BYTES),
    ciphertext: blob.subarray(idEnd + IV_BYTES + TAG_BYTES),
  };
}
