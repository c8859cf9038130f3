import * as path from 'node:path';
import { REDIS_UNREACHABLE_VARIABLE, suiteNeedsRedis } from './redis-suites';

// Runs before each integration and end-to-end suite (jest's setupFilesAfterEnv). When
// the global set-up found no Redis, a suite that needs it says so in one line and is
// reported as one skipped test that says why; its own tests and hooks are never declared.
const unreachable = process.env[REDIS_UNREACHABLE_VARIABLE];
const testPath = expect.getState().testPath;
if (unreachable && testPath && suiteNeedsRedis(testPath)) {
  process.stderr.write(
    `Skipped ${path.relative(process.cwd(), testPath)}: needs Redis, which does not answer at ${unreachable}\n`,
  );
  test.skip(`${path.basename(testPath)}: needs Redis, which does not answer at ${unreachable}`, () => {
    // Never runs.
  });
  // Whatever the suite calls or reads (describe.each(…)(…), it.skip, beforeAll …)
  // declares nothing.
  const inert: unknown = new Proxy(function inert() {}, {
    get: () => inert,
    apply: () => inert,
  });
  for (const name of ['describe', 'fdescribe', 'xdescribe', 'it', 'fit', 'xit', 'test', 'xtest']) {
    Object.assign(globalThis, { [name]: inert });
  }
  for (const name of ['beforeAll', 'beforeEach', 'afterAll', 'afterEach']) {
    Object.assign(globalThis, { [name]: inert });
  }
}
