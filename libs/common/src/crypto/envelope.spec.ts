import { randomBytes } from 'node:crypto';
import { formatCiphertext, open, parseCiphertext, seal, valueAad } from './envelope';

describe('envelope', () => {
  const key = randomBytes(32);
  const aad = valueAad('subject-1', 'key-1');

  it('round-trips and formats as pii1.<keyId>.<iv>.<tag>.<ct> in base64url', () => {
    const sealed = seal(key, Buffer.from('张三'), aad);
    const text = formatCiphertext('key-1', sealed);
    expect(text).toMatch(/^pii1\.key-1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    const parsed = parseCiphertext(text);
    expect(parsed?.keyId).toBe('key-1');
    expect(open(key, parsed!, aad).toString()).toBe('张三');
  });

  it('encrypts the empty string', () => {
    const text = formatCiphertext('k', seal(key, Buffer.alloc(0), aad));
    expect(open(key, parseCiphertext(text)!, aad).toString()).toBe('');
  });

  it('refuses another AAD, another key and a truncated tag', () => {
    const sealed = seal(key, Buffer.from('x'), aad);
    expect(() => open(key, sealed, valueAad('subject-2', 'key-1'))).toThrow();
    expect(() => open(randomBytes(32), sealed, aad)).toThrow();
    expect(() => open(key, { ...sealed, tag: sealed.tag.subarray(0, 12) }, aad)).toThrow();
  });

  it('keeps AADs of different subjects apart even when ids contain separators', () => {
    expect(valueAad('a","b', 'c')).not.toEqual(valueAad('a', 'b","c'));
  });

  it('does not parse anything else', () => {
    for (const text of ['', 'pii1', 'pii2.k.a.b.c', 'pii1..a.b.c', 'pii1.k.a.b', 'pii1.k.a+.b.c']) {
      expect(parseCiphertext(text)).toBeUndefined();
    }
  });
});
