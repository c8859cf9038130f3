import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import type { LogPosition } from '@shiming/event-store';
import {
  BANK_CARD_CHECK,
  IDENTITY_AUTHORITY,
  SandboxBankCardCheck,
  SandboxIdentityAuthority,
  type BankCardCheck,
  type IdentityAuthority,
} from '@shiming/integrations';
import { PlatformModule } from '../../apps/shared/platform.module';
import { ControlledParty } from '../../libs/verification/src/testing/controlled-party';
import { testConfig } from './app';
import { createTestDatabase, type TestDatabase } from './test-database';

// The libraries as the api and the worker share them, for integration specs that drive
// providers themselves: no HTTP, and no background work (no subscriptions, no timer
// processor), so the database changes only through what a spec calls.

export interface PlatformOptions {
  env?: NodeJS.ProcessEnv;
  /** Providers replaced by token, as a journey replaces an outside party. */
  providers?: [token: unknown, value: unknown][];
}

export interface TestPlatform {
  module: TestingModule;
  db: TestDatabase;
  dataSource: DataSource;
  documentsRoot: string;
  close(): Promise<void>;
}

/**
 * What a spec waits for a subscription to pass: the newest event committed, whether or
 * not readers may see it yet. `EventStore.headPosition` stops at the read horizon,
 * which any transaction running on the server holds back (other databases' too): a
 * catch-up until it may stop before the events the spec itself appended.
 */
export async function lastCommitted(dataSource: DataSource): Promise<{ until?: LogPosition }> {
  const rows: { transaction_id: string; global_position: string }[] = await dataSource.query(
    `SELECT transaction_id::text, global_position::text FROM es_events
      ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  return rows.length
    ? {
        until: {
          transactionId: BigInt(rows[0].transaction_id),
          globalPosition: BigInt(rows[0].global_position),
        },
      }
    : {};
}

/** A compiled platform on a fresh database, not yet initialised (its boot checks not run). */
export async function compilePlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  const db = await createTestDatabase();
  const documentsRoot = await mkdtemp(join(tmpdir(), 'shiming-documents-'));
  const config = testConfig(db.url, {
    SANDBOX: 'true',
    DOCUMENTS_ROOT: documentsRoot,
    ...options.env,
  });
  let builder = Test.createTestingModule({
    imports: [PlatformModule.forRoot(config, { process: 'worker', runWorkers: false })],
  });
  for (const [token, value] of options.providers ?? []) {
    builder = builder.overrideProvider(token).useValue(value);
  }
  const module = await builder.compile();
  module.useLogger(false);
  return {
    module,
    db,
    dataSource: module.get(DataSource),
    documentsRoot,
    close: async () => {
      await shutDown(module);
      await db.drop();
      await rm(documentsRoot, { recursive: true, force: true });
    },
  };
}

/** The platform, booted: every provider initialised and the boot checks passed. */
export async function startPlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  const platform = await compilePlatform(options);
  await platform.module.init();
  return platform;
}

/**
 * The platform, booted, with the sandbox's identity authority and bank behind parties a
 * spec can hold or make fail (`reset` them after each test).
 */
export async function startPlatformWithParties(): Promise<{
  platform: TestPlatform;
  authority: ControlledParty;
  bank: ControlledParty;
}> {
  const authority = new ControlledParty();
  const bank = new ControlledParty();
  // The sandbox's own adapters, found once the platform exists.
  const found: { module?: TestingModule } = {};
  const identityAuthority: IdentityAuthority = {
    check: (request) =>
      authority.call(() => found.module!.get(SandboxIdentityAuthority).check(request)),
  };
  const bankCardCheck: BankCardCheck = {
    check: (request) => bank.call(() => found.module!.get(SandboxBankCardCheck).check(request)),
  };
  const platform = await startPlatform({
    providers: [
      [IDENTITY_AUTHORITY, identityAuthority],
      [BANK_CARD_CHECK, bankCardCheck],
    ],
  });
  found.module = platform.module;
  return { platform, authority, bank };
}

/** Closes the module, also after a failed init. */
async function shutDown(module: TestingModule): Promise<void> {
  // Nest's close() rethrows a failed init before any shutdown hook runs: forget the
  // failure, so that the connections opened when the module was compiled close too.
  const context = module as unknown as { initializationPromise?: Promise<unknown> };
  context.initializationPromise = context.initializationPromise?.catch(() => undefined);
  await module.close();
}
