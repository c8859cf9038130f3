import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, SystemClock, type Clock } from '../clock/clock';
import { TestClock } from '../clock/test-clock';
import { QueueName } from './queue-name';
import { TimerFirer } from './timer.firer';
import { TimerProcessor } from './timer.processor';
import { TimerReconciler } from './timer.reconciler';
import { TimerRelay } from './timer.relay';
import { TimerRepository } from './timer.repository';
import { TimerScheduler } from './timer.scheduler';
import { TimerHandlerRegistry } from './timer-handler.registry';
import { resolveTimersOptions, TIMERS_OPTIONS, type TimersModuleOptions } from './timer.types';

const TEST_CLOCK_TIMERS = Symbol('TestClockTimers');

/**
 * Durable timers. Needs a TypeORM `DataSource` and `BullModule.forRoot` (connection, prefix)
 * from the app. Knows no domain: other modules register handlers per timer kind.
 */
@Module({})
export class TimersModule {
  static forRoot(options: TimersModuleOptions): DynamicModule {
    const resolved = resolveTimersOptions(options);
    const providers: Provider[] = [
      { provide: TIMERS_OPTIONS, useValue: resolved },
      {
        provide: CLOCK,
        useFactory: (dataSource: DataSource): Clock =>
          resolved.sandbox
            ? new TestClock(dataSource, { refreshMs: resolved.clockRefreshMs })
            : new SystemClock(),
        inject: [DataSource],
      },
      TimerRepository,
      TimerHandlerRegistry,
      TimerRelay,
      TimerScheduler,
      TimerFirer,
      // Available everywhere for reconcileOnce() and overdueCount(); the processor starts
      // its schedule where runWorkers is set.
      TimerReconciler,
      {
        // The firer needs the clock and the test clock needs the firer: linked after both exist.
        provide: TEST_CLOCK_TIMERS,
        useFactory: (clock: Clock, firer: TimerFirer) => {
          if (clock instanceof TestClock) clock.attachTimers(firer);
          return clock instanceof TestClock;
        },
        inject: [CLOCK, TimerFirer],
      },
    ];
    const exported: (symbol | (abstract new (...args: never[]) => unknown))[] = [
      CLOCK,
      TIMERS_OPTIONS,
      TimerHandlerRegistry,
      TimerScheduler,
      TimerRelay,
      TimerFirer,
      TimerReconciler,
    ];
    if (resolved.sandbox) {
      providers.push({ provide: TestClock, useExisting: CLOCK });
      exported.push(TestClock);
    }
    if (resolved.runWorkers) providers.push(TimerProcessor);
    return {
      module: TimersModule,
      global: true,
      imports: [BullModule.registerQueue({ name: QueueName.Timers })],
      providers,
      exports: [...exported, BullModule],
    };
  }
}
