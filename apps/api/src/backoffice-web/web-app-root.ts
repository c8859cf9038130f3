import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where `npm run build:web` leaves the web app: `dist/backoffice-web` at the root of the
 * repository. This file runs from `apps/api/src/backoffice-web` (from source) or from
 * `dist/apps/api/src/backoffice-web` (built), so both places are tried; the first that
 * holds an index.html wins, and the source layout's is the answer when neither does.
 */
export function findWebAppRoot(from: string = __dirname): string {
  const candidates = [
    resolve(from, '../../../../dist/backoffice-web'),
    resolve(from, '../../../../backoffice-web'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0];
}
