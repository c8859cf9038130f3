import { createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** JSON with object keys sorted at every depth: equal data, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  // Only ever an input of the keyed fingerprint below, never stored as it is.
  if (Buffer.isBuffer(value)) return { $bytes: value.toString('base64') };
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return sortKeys(json.call(value));
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  }
  return sorted;
}

/** A file as multer leaves it on the request: in memory (`buffer`) or on disk (`path`). */
export interface UploadedFileLike {
  fieldname: string;
  buffer?: Buffer;
  path?: string;
}

export interface FingerprintedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  body?: unknown;
  file?: UploadedFileLike;
  files?: UploadedFileLike[] | Record<string, UploadedFileLike[]>;
}

// Its own label, so that no other hash derived from PII_HASH_KEY can equal a fingerprint.
const PURPOSE = 'shiming idempotency request fingerprint v1';

/**
 * What makes two requests "the same" for an idempotency key: method, path, query
 * (parameter order ignored), the body as canonical JSON without the route's secret
 * fields, and for uploads the field values and each file's keyed digest in field
 * order, all under an HMAC. The fingerprint is stored; being keyed, it lets nobody
 * without the key test a guess of what a request held, and the secrets (a payment
 * password, an SMS code, a deposit amount: a handful of digits) are not in it at all,
 * so even the key does not help with them.
 */
export class RequestFingerprinter {
  private constructor(private readonly key: Buffer) {}

  /** Derives the fingerprint key from PII_HASH_KEY. */
  static fromHashKey(hashKey: Buffer): RequestFingerprinter {
    if (hashKey.length < 32)
      throw new RangeError('The fingerprint needs a key of 32 bytes or more');
    return new RequestFingerprinter(createHmac('sha256', hashKey).update(PURPOSE).digest());
  }

  /** `secretFields`: top-level body fields left out, so that retries differing only there match. */
  async fingerprint(
    request: FingerprintedRequest,
    secretFields: readonly string[] = [],
  ): Promise<string> {
    const at = request.url.indexOf('?');
    const path = at < 0 ? request.url : request.url.slice(0, at);
    const query = new URLSearchParams(at < 0 ? '' : request.url.slice(at + 1));
    query.sort();
    const files = await Promise.all(
      uploadedFiles(request).map(async (file) => [file.fieldname, await this.fileDigest(file)]),
    );
    return this.hmac('request')
      .update(
        canonicalJson({
          method: request.method.toUpperCase(),
          path,
          query: query.toString(),
          body: withoutFields(request.body ?? null, secretFields),
          files,
        }),
      )
      .digest('hex');
  }

  /** The keyed digest of an uploaded file's content, read from memory or disk. */
  async fileDigest(file: Buffer | UploadedFileLike): Promise<string> {
    const hmac = this.hmac('file');
    if (Buffer.isBuffer(file)) return hmac.update(file).digest('hex');
    if (file.buffer) return hmac.update(file.buffer).digest('hex');
    if (!file.path) return 'empty';
    for await (const chunk of createReadStream(file.path)) hmac.update(chunk as Buffer);
    return hmac.digest('hex');
  }

  // A file's digest can never be taken for a request's, nor the other way round.
  private hmac(kind: 'request' | 'file') {
    return createHmac('sha256', this.key).update(`${kind}\n`);
  }
}

function withoutFields(body: unknown, fields: readonly string[]): unknown {
  if (fields.length === 0 || typeof body !== 'object' || body === null || Array.isArray(body)) {
    return body;
  }
  const kept = { ...(body as Record<string, unknown>) };
  for (const field of fields) delete kept[field];
  return kept;
}

function uploadedFiles(request: FingerprintedRequest): UploadedFileLike[] {
  const { file, files } = request;
  const all = [...(file ? [file] : [])];
  if (Array.isArray(files)) all.push(...files);
  else if (files) {
    for (const field of Object.keys(files).sort()) all.push(...files[field]);
  }
  return all;
}
