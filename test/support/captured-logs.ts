import { Writable } from 'node:stream';
import { LoggingModule } from '@shiming/common';
import { PARAMS_PROVIDER_TOKEN } from 'nestjs-pino';
import { Sandbox } from './journey';

/**
 * A sandbox whose every log line, at the most verbose level, is kept in `logs`: for
 * tests that look for what must never be logged.
 */
export async function sandboxWithCapturedLogs(): Promise<{ sandbox: Sandbox; logs: string[] }> {
  const logs: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  // As the application sets nestjs-pino up, writing to `capture`.
  const pinoParams = LoggingModule.params({ logLevel: 'trace' }, capture);
  const sandbox = await Sandbox.start({ LOG_LEVEL: 'trace' }, [
    [PARAMS_PROVIDER_TOKEN, pinoParams],
  ]);
  return { sandbox, logs };
}
