import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import {
  createTestDatabase,
  reachableRedisUrl,
  testQueuePrefix,
  type TestDatabase,
} from '../../../../test/support/test-database';
import type { CrashWorkerMessage } from './testing/crash-worker.fixture';
import {
  appendFiredEvent,
  startTimers,
  waitUntil,
  wakeUpPaths,
  type TimersHarness,
} from './testing/timers-harness';

const KIND = 'test_crash';
const ROOT = resolve(__dirname, '../../../..');
const FIXTURE = join(__dirname, 'testing', 'crash-worker.fixture.ts');

describe.each(wakeUpPaths(reachableRedisUrl(), 'a worker process killed while firing a timer'))(
  'a worker process killed while firing a timer woken by $name',
  ({ redisUrl: wakeUpRedisUrl }) => {
    let db: TestDatabase;
    let prefix: string;
    let app: TimersHarness;
    let child: ChildProcess | null = null;
    let stderr = '';

    beforeAll(async () => {
      db = await createTestDatabase();
      prefix = testQueuePrefix();
      app = await startTimers({ databaseUrl: db.url, redisUrl: wakeUpRedisUrl, prefix });
    });

    afterAll(async () => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await app?.queue?.obliterate({ force: true }).catch(() => undefined);
      await app?.close();
      await db?.drop();
    });

    function spawnWorker(): ChildProcess {
      const config = { databaseUrl: db.url, redisUrl: wakeUpRedisUrl, prefix, kind: KIND };
      const worker = spawn(
        process.execPath,
        [
          '-r',
          '@swc-node/register',
          '-r',
          'tsconfig-paths/register',
          FIXTURE,
          JSON.stringify(config),
        ],
        { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
      );
      worker.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      return worker;
    }

    function nextMessage(
      worker: ChildProcess,
      type: CrashWorkerMessage['type'],
    ): Promise<CrashWorkerMessage> {
      return new Promise((resolvePromise, reject) => {
        const timeout = setTimeout(
          () => reject(new Error(`No "${type}" from the worker. ${stderr}`)),
          30_000,
        );
        const onExit = (code: number | null) => {
          clearTimeout(timeout);
          reject(new Error(`The worker exited (${code}) before "${type}". ${stderr}`));
        };
        worker.once('exit', onExit);
        worker.on('message', function onMessage(message: CrashWorkerMessage) {
          if (message.type !== type) return;
          clearTimeout(timeout);
          worker.off('exit', onExit);
          worker.off('message', onMessage);
          resolvePromise(message);
        });
      });
    }

    it('takes effect exactly once after a fresh worker picks the timer up', async () => {
      const streamId = `crash-${randomUUID()}`;
      const timer = await app.dataSource.transaction((tx) =>
        app.scheduler.schedule(tx, { streamId, kind: KIND, dueAt: new Date() }),
      );
      await app.scheduler.enqueue([timer]);

      child = spawnWorker();
      const appended = await nextMessage(child, 'appended');
      expect(appended).toEqual({ type: 'appended', timerId: timer.timerId });
      // The event is appended inside the firing transaction, which has not committed.
      expect(await app.store.readStream(streamId)).toHaveLength(0);

      const exited = new Promise((done) => child!.once('exit', done));
      child.kill('SIGKILL');
      await exited;
      const killedAt = Date.now();

      const fresh = await startTimers({
        databaseUrl: db.url,
        redisUrl: wakeUpRedisUrl,
        prefix,
        // The dead worker's BullMQ job stays active until its lock expires; the PostgreSQL
        // poller (the backstop, with its default grace) fires the timer without waiting.
        timers: { runWorkers: true },
        handlers: ({ store }) => ({
          [KIND]: async (due, tx) => {
            await appendFiredEvent(store, due, tx, randomUUID());
          },
        }),
      });
      try {
        const status = async () =>
          (
            (await app.dataSource.query(`SELECT status FROM wf_timers WHERE timer_id = $1`, [
              timer.timerId,
            ])) as { status: string }[]
          )[0].status;
        await waitUntil(async () => (await status()) === 'fired', 20_000, 'the timer to fire');
        console.log(`The timer fired ${Date.now() - killedAt} ms after its worker was killed`);

        // The abandoned job, when BullMQ hands it out again, finds the timer fired.
        expect(await fresh.firer.fire(timer.timerId, timer.generation)).toEqual({
          outcome: 'skipped',
          reason: 'fired',
        });
        const events = await app.store.readStream(streamId);
        expect(events).toHaveLength(1);
        expect(events[0].data).toMatchObject({ timerId: timer.timerId, generation: 1 });
      } finally {
        await fresh.close();
      }
    });
  },
);
