import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
export const WEB_APP_BUILD = join(REPO_ROOT, 'dist', 'backoffice-web');

/** Builds the web app once when no build is there (CI builds it before the tests). */
export function ensureWebAppBuilt(): void {
  if (existsSync(join(WEB_APP_BUILD, 'index.html'))) return;
  execFileSync('npm', ['run', 'build:web'], { cwd: REPO_ROOT, stdio: 'inherit', timeout: 180_000 });
}
