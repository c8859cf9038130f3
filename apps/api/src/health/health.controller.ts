import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { Public, Shutdown } from '@shiming/common';
import { WorkingDayCalendar } from '@shiming/workflow';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { ApiProblems, problem } from '../http/api-problems';
import { NoRateLimit } from '../http/rate-limit/rate-limit.decorator';
import { NotReadyError } from './not-ready.error';
import { RedisHealthIndicator } from './redis.health';

// Short deadlines: a probe that hangs is worse than one that says "down".
const DATABASE_TIMEOUT_MS = 1500;
const REDIS_TIMEOUT_MS = 1000;

@ApiTags('health')
@Public()
// Probes come often and from the load balancer's few addresses.
@NoRateLimit()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly calendar: WorkingDayCalendar,
    private readonly shutdown: Shutdown,
  ) {}

  @Get('live')
  @HealthCheck({ noCache: true })
  @ApiOperation({ summary: 'The process is up (liveness probe)' })
  @ApiOkResponse({ description: 'The process is up' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.indicator.check('process').up({ uptimeSeconds: Math.floor(process.uptime()) }),
    ]);
  }

  @Get('ready')
  @HealthCheck({ noCache: true })
  @ApiOperation({
    summary:
      'PostgreSQL and Redis (when configured) answer (readiness probe); 503 with the failing checks if not, and from SIGTERM on (`shutdown`). `calendar` reports how many days the holiday data has left (never a failure)',
  })
  @ApiOkResponse({ description: 'Every dependency is up' })
  @ApiProblems(
    problem(503, 'not_ready', 'Not ready: redis down.', {
      checks: { database: { status: 'up' }, redis: { status: 'down' } },
    }),
  )
  async ready(): Promise<HealthCheckResult> {
    // Draining before exit: out of rotation at once, whatever the dependencies say.
    if (this.shutdown.begun) throw new NotReadyError({ shutdown: { status: 'down' } });
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: DATABASE_TIMEOUT_MS }),
        ...(this.redis.configured ? [() => this.redis.pingCheck('redis', REDIS_TIMEOUT_MS)] : []),
        // A detail, never a failure: past the data, deadlines are provisional (or refused).
        () =>
          this.indicator.check('calendar').up({
            ...this.calendar.calendarRunway(),
            provisionalDeadlines: this.calendar.provisionalDeadlines,
          }),
      ]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        const result = error.getResponse() as HealthCheckResult;
        throw new NotReadyError(result.details);
      }
      throw error;
    }
  }
}
