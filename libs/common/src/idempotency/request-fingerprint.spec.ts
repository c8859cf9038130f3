import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, RequestFingerprinter } from './request-fingerprint';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson(undefined)).toBe('null');
  });
});

describe('RequestFingerprinter', () => {
  const fingerprinter = RequestFingerprinter.fromHashKey(randomBytes(32));
  const fingerprint = fingerprinter.fingerprint.bind(fingerprinter);
  const base = { method: 'POST', url: '/v1/verification/identity', body: { name: '张三', n: 1 } };

  it('ignores key order in the body and parameter order in the query', async () => {
    expect(await fingerprint({ ...base, body: { n: 1, name: '张三' } })).toBe(
      await fingerprint(base),
    );
    expect(await fingerprint({ ...base, url: `${base.url}?b=2&a=1` })).toBe(
      await fingerprint({ ...base, url: `${base.url}?a=1&b=2` }),
    );
  });

  it('changes with the method, the path, the query or the body', async () => {
    const original = await fingerprint(base);
    for (const changed of [
      { ...base, method: 'PUT' },
      { ...base, url: '/v1/verification/appeal' },
      { ...base, url: `${base.url}?x=1` },
      { ...base, body: { name: '张三', n: 2 } },
      { ...base, body: undefined },
    ]) {
      expect(await fingerprint(changed)).not.toBe(original);
    }
  });

  it('is keyed: another key gives another fingerprint, and no plain SHA-256 matches', async () => {
    const other = RequestFingerprinter.fromHashKey(randomBytes(32));
    const mine = await fingerprint(base);
    expect(mine).toMatch(/^[0-9a-f]{64}$/);
    expect(await other.fingerprint(base)).not.toBe(mine);
    const canonical = canonicalJson({
      method: 'POST',
      path: base.url,
      query: '',
      body: base.body,
      files: [],
    });
    expect([sha256(canonical), sha256(canonicalJson(base.body))]).not.toContain(mine);
  });

  it('leaves the secret fields out entirely', async () => {
    const identity = (paymentPassword: string) => ({
      ...base,
      body: { name: '张三', idNumber: '11010119900307123X', paymentPassword },
    });
    const secrets = ['paymentPassword'];
    const first = await fingerprint(identity('135790'), secrets);
    expect(await fingerprint(identity('000000'), secrets)).toBe(first);
    expect(
      await fingerprint({ ...base, body: { name: '张三', idNumber: '11010119900307123X' } }),
    ).toBe(first);
    // Without the declaration the password is part of the request, keyed.
    expect(await fingerprint(identity('135790'))).not.toBe(await fingerprint(identity('000000')));
  });

  it('hashes uploads by field value and keyed file content, in memory or on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fingerprint-'));
    writeFileSync(join(dir, 'front.jpg'), Buffer.from('front image'));
    const upload = (front: string) => ({
      method: 'POST',
      url: '/v1/verification/id-documents',
      body: { note: 'x' },
      files: {
        front: [{ fieldname: 'front', buffer: Buffer.from(front) }],
        back: [{ fieldname: 'back', buffer: Buffer.from('back image') }],
      },
    });
    const inMemory = await fingerprint(upload('front image'));
    expect(await fingerprint(upload('front image'))).toBe(inMemory);
    expect(await fingerprint(upload('another front'))).not.toBe(inMemory);
    const onDisk = await fingerprint({
      ...upload(''),
      files: {
        front: [{ fieldname: 'front', path: join(dir, 'front.jpg') }],
        back: [{ fieldname: 'back', buffer: Buffer.from('back image') }],
      },
    });
    expect(onDisk).toBe(inMemory);
    expect(await fingerprint({ ...upload('front image'), body: { note: 'y' } })).not.toBe(inMemory);
    const plainFileHashes = canonicalJson({
      method: 'POST',
      path: '/v1/verification/id-documents',
      query: '',
      body: { note: 'x' },
      files: [
        ['back', sha256('back image')],
        ['front', sha256('front image')],
      ],
    });
    expect(sha256(plainFileHashes)).not.toBe(inMemory);
    expect(await fingerprinter.fileDigest(Buffer.from('front image'))).not.toBe(
      sha256('front image'),
    );
  });
});
