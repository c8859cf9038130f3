import { randomBytes } from 'node:crypto';
import { DocumentCipher, SealedBlobError } from './document-cipher';

describe('DocumentCipher', () => {
  const cipher = new DocumentCipher(randomBytes(32));
  const plaintext = Buffer.from('an ID card, front side');

  it('opens what it sealed', () => {
    expect(cipher.open(cipher.seal(plaintext, 'abc'), 'abc')).toEqual(plaintext);
  });

  it('never seals the same bytes to the same ciphertext', () => {
    expect(cipher.seal(plaintext, 'abc')).not.toEqual(cipher.seal(plaintext, 'abc'));
  });

  it('refuses a ciphertext with one bit flipped', () => {
    const sealed = cipher.seal(plaintext, 'abc');
    sealed[sealed.length - 1] ^= 0x01;
    expect(() => cipher.open(sealed, 'abc')).toThrow(SealedBlobError);
  });

  it('refuses a blob read under another address', () => {
    expect(() => cipher.open(cipher.seal(plaintext, 'abc'), 'abd')).toThrow(SealedBlobError);
  });

  it('refuses a blob sealed under another key', () => {
    const other = new DocumentCipher(randomBytes(32));
    expect(() => other.open(cipher.seal(plaintext, 'abc'), 'abc')).toThrow(SealedBlobError);
  });

  it('refuses a truncated blob', () => {
    expect(() => cipher.open(Buffer.alloc(10), 'abc')).toThrow(SealedBlobError);
  });

  it('names blobs by a keyed hash, not the content hash itself', () => {
    const sha = 'a'.repeat(64);
    expect(cipher.blobName(sha)).toMatch(/^[0-9a-f]{64}$/);
    expect(cipher.blobName(sha)).not.toBe(sha);
    expect(cipher.blobName(sha)).toBe(cipher.blobName(sha));
    expect(new DocumentCipher(randomBytes(32)).blobName(sha)).not.toBe(cipher.blobName(sha));
  });

  it('takes only a 32-byte key', () => {
    expect(() => new DocumentCipher(randomBytes(16))).toThrow('32 bytes');
  });
});
