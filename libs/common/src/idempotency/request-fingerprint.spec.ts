import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, requestFingerprint } from './request-fingerprint';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson(undefined)).toBe('null');
  });
});

describe('requestFingerprint', () => {
  const base = { method: 'POST', url: '/v1/verification/identity', body: { name: '张三', n: 1 } };

  it('ignores key order in the body and parameter order in the query', async () => {
    expect(await requestFingerprint({ ...base, body: { n: 1, name: '张三' } })).toBe(
      await requestFingerprint(base),
    );
    expect(await requestFingerprint({ ...base, url: `${base.url}?b=2&a=1` })).toBe(
      await requestFingerprint({ ...base, url: `${base.url}?a=1&b=2` }),
    );
  });

  it('changes with the method, the path, the query or the body', async () => {
    const original = await requestFingerprint(base);
    for (const changed of [
      { ...base, method: 'PUT' },
      { ...base, url: '/v1/verification/appeal' },
      { ...base, url: `${base.url}?x=1` },
      { ...base, body: { name: '张三', n: 2 } },
      { ...base, body: undefined },
    ]) {
      expect(await requestFingerprint(changed)).not.toBe(original);
    }
  });

  it('hashes uploads by field value and file content, in memory or on disk', async () => {
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
    const inMemory = await requestFingerprint(upload('front image'));
    expect(await requestFingerprint(upload('front image'))).toBe(inMemory);
    expect(await requestFingerprint(upload('another front'))).not.toBe(inMemory);
    const onDisk = await requestFingerprint({
      ...upload(''),
      files: {
        front: [{ fieldname: 'front', path: join(dir, 'front.jpg') }],
        back: [{ fieldname: 'back', buffer: Buffer.from('back image') }],
      },
    });
    expect(onDisk).toBe(inMemory);
    expect(await requestFingerprint({ ...upload('front image'), body: { note: 'y' } })).not.toBe(
      inMemory,
    );
  });
});
