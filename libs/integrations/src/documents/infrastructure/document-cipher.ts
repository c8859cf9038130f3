import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const FORMAT_V1 = 0x01;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES + TAG_BYTES;

/** A sealed blob failed to open: altered, truncated, or sealed under another key. */
export class SealedBlobError extends Error {
  constructor(reason: string) {
    super(`Sealed document blob: ${reason}`);
    this.name = 'SealedBlobError';
  }
}

/**
 * AES-256-GCM for document blobs. Layout: version (1) | nonce (12) | tag (16) | ciphertext.
 * Separate subkeys, derived with HKDF, encrypt blobs and name them, so that one key
 * never serves two algorithms.
 */
export class DocumentCipher {
  private readonly encryptionKey: Buffer;
  private readonly namingKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('The documents key must be exactly 32 bytes');
    this.encryptionKey = derive(masterKey, 'shiming/documents/encryption/v1');
    this.namingKey = derive(masterKey, 'shiming/documents/naming/v1');
  }

  /** `aad` binds the ciphertext to its address: a blob moved under another name fails to open. */
  seal(plaintext: Buffer, aad: string): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, nonce);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.of(FORMAT_V1), nonce, cipher.getAuthTag(), ciphertext]);
  }

  open(sealed: Buffer, aad: string): Buffer {
    if (sealed.length < HEADER_BYTES) throw new SealedBlobError('too short');
    if (sealed[0] !== FORMAT_V1) throw new SealedBlobError(`unknown format ${sealed[0]}`);
    const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
    const tag = sealed.subarray(1 + NONCE_BYTES, HEADER_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, nonce);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
    } catch {
      throw new SealedBlobError('authentication failed');
    }
  }

  /**
   * The blob's file name for a content hash. Keyed, so that the files on disk do not
   * reveal which known image (a published ID card sample, say) someone uploaded.
   */
  blobName(sha256: string): string {
    return createHmac('sha256', this.namingKey).update(sha256).digest('hex');
  }
}

function derive(masterKey: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
}
