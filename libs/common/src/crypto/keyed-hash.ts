import { createHmac, timingSafeEqual } from 'node:crypto';
import { normaliseResidentIdNumber } from '../validation/resident-id-number';

const PURPOSE = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * HMAC-SHA256 of normalised personal values, for lookups without decryption
 * (occupancy by ID number) and for checking short secrets (SMS codes, deposit
 * amounts). Each purpose hashes under its own derived key, so a hash made for one
 * purpose can never match one made for another. Output is lower-case hex.
 */
export class KeyedHash {
  private readonly purposeKeys = new Map<string, Buffer>();

  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new RangeError('KeyedHash needs a key of at least 32 bytes');
  }

  /** `purpose`: lower-case letters, digits and "-", such as `id-number` or `sms-code`. */
  hash(purpose: string, value: string): string {
    return createHmac('sha256', this.keyFor(purpose))
      .update(value.normalize('NFC').trim(), 'utf8')
      .digest('hex');
  }

  /** The occupancy hash of an ID number: the same for `…002x` and ` …002X `. */
  idNumberHash(idNumber: string): string {
    return this.hash('id-number', normaliseResidentIdNumber(idNumber));
  }

  /** Compares in constant time, for codes a caller could otherwise guess byte by byte. */
  matches(purpose: string, value: string, expectedHex: string): boolean {
    const actual = Buffer.from(this.hash(purpose, value), 'hex');
    const expected = Buffer.from(expectedHex, 'hex');
    return expected.length === actual.length && timingSafeEqual(actual, expected);
  }

  private keyFor(purpose: string): Buffer {
    let derived = this.purposeKeys.get(purpose);
    if (!derived) {
      if (!PURPOSE.test(purpose)) throw new RangeError(`Bad keyed-hash purpose: ${purpose}`);
      derived = createHmac('sha256', this.key).update(`shiming keyed-hash v1 ${purpose}`).digest();
      this.purposeKeys.set(purpose, derived);
    }
    return derived;
  }
}
