import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { exitOnStartupError, loadConfig } from '@shiming/common';
import { RebuildProjectionCommand, SubscriptionRegistry } from '@shiming/event-store';
import { PlatformModule } from '../apps/shared/platform.module';

// `npm run projection:rebuild -- <name>`: rebuilds one read model from position 0 in one
// transaction (readers keep the old one until it commits). Without a name, lists them.
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(
    PlatformModule.forRoot(config, { process: 'worker', runWorkers: false }),
    { logger: ['error', 'warn'] },
  );
  try {
    const name = process.argv[2];
    const known = app
      .get(SubscriptionRegistry)
      .all()
      .map((p) => p.name);
    if (!name || !known.includes(name)) {
      console.error(
        `${name ? `No projection named "${name}". ` : ''}Projections: ${known.join(', ') || '(none)'}`,
      );
      process.exitCode = name ? 1 : 0;
      return;
    }
    const result = await app.get(CommandBus).execute(new RebuildProjectionCommand(name));
    console.log(`Rebuilt ${result.projection} from ${result.events} events.`);
  } finally {
    await app.close();
  }
}

main().catch(exitOnStartupError);
