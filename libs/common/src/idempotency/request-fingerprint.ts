import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** JSON with object keys sorted at every depth: equal data, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  if (Buffer.isBuffer(value)) return { $bytes: sha256(value) };
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

/**
 * What makes two requests "the same" for an idempotency key: method, path, query
 * (parameter order ignored), the body as canonical JSON, and for uploads the field
 * values and each file's content hash in field order.
 */
export async function requestFingerprint(request: FingerprintedRequest): Promise<string> {
  const at = request.url.indexOf('?');
  const path = at < 0 ? request.url : request.url.slice(0, at);
  const query = new URLSearchParams(at < 0 ? '' : request.url.slice(at + 1));
  query.sort();
  const files = await Promise.all(
    uploadedFiles(request).map(async (file) => [file.fieldname, await contentHash(file)]),
  );
  return sha256(
    canonicalJson({
      method: request.method.toUpperCase(),
      path,
      query: query.toString(),
      body: request.body ?? null,
      files,
    }),
  );
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

async function contentHash(file: UploadedFileLike): Promise<string> {
  if (file.buffer) return sha256(file.buffer);
  if (!file.path) return 'empty';
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file.path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
