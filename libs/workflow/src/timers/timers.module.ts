import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, SystemClock, type Clock } from '../clock/clock';
import { TestClock } from '../test-clock/test-clock';
import { QueueName } from './queue-name';
import { TimerFirer } from './timer.firer';
import { TimerPoller } from './timer.poller';
import { TimerProcessor } from './timer.processor';
import { TimerReconciler } from './timer.reconciler';
import { TimerRelay } from './timer.relay';
import { TimerRepository } from './timer.repository';
import { TimerScheduler } from './timer.scheduler';
import { TimerHandlerRegistry } from './timer-handler.registry';
import { TimerWakeUps } from './timer-wake-ups';
import {
  resolveTimersOptions,
  TIMERS_OPTIONS,
  type ResolvedTimersOptions,
  type TimersModuleOptions,
} from './timer.types';

const TEST_CLOCK_TIMERS = Symbol('TestClockTimers');

/** Production's clock: the system's time, which nothing moves. */
const systemClock: Provider = { provide: CLOCK, useClass: SystemClock };

/** The sandbox's clock: one offset in `wf_clock` that every process reads and can move. */
function testClock(options: ResolvedTimersOptions): Provider {
  return {
    provide: CLOCK,
    useFactory: (dataSource: DataSource): Clock =>
      new TestClock(dataSource, { refreshMs: options.clockRefreshMs }),
    inject: [DataSource],
  };
}

// The firer needs the clock and the test clock needs the firer: linked after both exist.
const testClockFiresTimers: Provider = {
  provide: TEST_CLOCK_TIMERS,
  useFactory: (clock: TestClock, firer: TimerFirer) => {
    clock.attachTimers(firer);
    return true;
  },
  inject: [CLOCK, TimerFirer],
};

/**
 * Durable timers. Needs a TypeORM `DataSource` from the app and, when BullMQ wakes the
 * timers, `BullModule.forRoot` (connection, prefix). Knows no domain: other modules
 * register handlers per timer kind.
 */
@Module({})
export class TimersModule {
  static forRoot(options: TimersModuleOptions): DynamicModule {
    const resolved = resolveTimersOptions(options);
    const bullmq = resolved.wakeUp === 'bullmq';
    const providers: Provider[] = [
      { provide: TIMERS_OPTIONS, useValue: resolved },
      // Production reads the system's time; only the sandbox gets the test clock.
      resolved.sandbox ? testClock(resolved) : systemClock,
      TimerRepository,
      TimerHandlerRegistry,
      TimerWakeUps,
      TimerScheduler,
      TimerFirer,
      // Available everywhere for reconcileOnce() and overdueCount(); the processor starts
      // its schedule where runWorkers is set.
      TimerReconciler,
    ];
    const exported: (symbol | (abstract new (...args: never[]) => unknown))[] = [
      CLOCK,
      TIMERS_OPTIONS,
      TimerHandlerRegistry,
      TimerScheduler,
      TimerFirer,
      TimerReconciler,
    ];
    if (bullmq) {
      providers.push(TimerRelay);
      exported.push(TimerRelay);
    }
    if (resolved.sandbox) {
      providers.push(testClockFiresTimers, { provide: TestClock, useExisting: CLOCK });
      exported.push(TestClock);
    }
    if (resolved.runWorkers) {
      // PostgreSQL wakes the timers, or backs BullMQ up.
      providers.push(TimerPoller);
      exported.push(TimerPoller);
      if (bullmq) providers.push(TimerProcessor);
    }
    return {
      module: TimersModule,
      global: true,
      imports: bullmq ? [BullModule.registerQueue({ name: QueueName.Timers })] : [],
      providers,
      exports: bullmq ? [...exported, BullModule] : exported,
    };
  }
}
