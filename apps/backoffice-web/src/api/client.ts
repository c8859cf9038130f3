import { currentSession, signOut } from '../auth/session';
import { currentLanguage } from '../i18n/language';

/**
 * An RFC 9457 problem as the API sends it, or one made up for a failure without one
 * (codes `client_error`, `network_error`, `api_unexpected`). The page words a problem
 * by its code; the API's own title and detail are shown for codes it does not know.
 */
export interface Problem {
  title: string;
  status: number;
  code: string;
  detail?: string;
  /** The language of `title` and `detail` (Content-Language); unset: English. */
  language?: string;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }

  get status(): number {
    return this.problem.status;
  }
}

export function problemOf(error: unknown): Problem {
  if (error instanceof ApiError) return error.problem;
  return {
    title: 'Something went wrong in the page',
    status: 0,
    code: 'client_error',
    detail: error instanceof Error ? error.message : String(error),
  };
}

// The API answers in the reader's language where it can (problem details).
function acceptLanguage(): string {
  return currentLanguage() === 'en' ? 'en, zh-CN;q=0.5' : 'zh-CN, zh;q=0.9, en;q=0.5';
}

interface Options {
  body?: unknown;
  signal?: AbortSignal;
  /** A token other than the session's (signing in). */
  token?: string;
}

/**
 * Calls the API (same origin: the api serves this app, and the dev server proxies to
 * it) with the session's bearer token. Failures become an ApiError carrying the
 * problem; a 401 on a call made with the session's token ends the session.
 */
export async function send(method: string, path: string, options: Options = {}): Promise<Response> {
  const token = options.token ?? currentSession()?.token;
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': acceptLanguage(),
  };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      title: 'Cannot reach the API',
      status: 0,
      code: 'network_error',
      detail: 'The server did not answer. Check your connection, then try again.',
    });
  }
  if (response.ok) return response;
  const problem = await readProblem(response);
  if (response.status === 401 && !options.token && token) {
    signOut('ended');
  }
  throw new ApiError(problem);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await send('GET', path, { signal });
  return (await response.json()) as T;
}

/** POSTs JSON; null when the API answers 204 No Content. */
export async function postJson<T>(
  path: string,
  body: unknown = {},
  token?: string,
): Promise<T | null> {
  const response = await send('POST', path, { body, token });
  if (response.status === 204) return null;
  return (await response.json()) as T;
}

export async function getBlob(path: string, signal?: AbortSignal): Promise<Blob> {
  const response = await send('GET', path, { signal });
  return response.blob();
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function readProblem(response: Response): Promise<Problem> {
  const fallback: Problem = {
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    code: `http_${response.status}`,
  };
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) {
    return { ...fallback, detail: `The server answered ${response.status} without details.` };
  }
  try {
    const body = (await response.json()) as Partial<Problem>;
    return {
      ...body,
      language: response.headers.get('Content-Language') ?? undefined,
      title: typeof body.title === 'string' ? body.title : fallback.title,
      status: typeof body.status === 'number' ? body.status : response.status,
      code: typeof body.code === 'string' ? body.code : fallback.code,
      detail: typeof body.detail === 'string' ? body.detail : undefined,
    };
  } catch {
    return fallback;
  }
}
