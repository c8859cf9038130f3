import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiProblems, problem, VALIDATION_FAILED } from '../http/api-problems';
import { IsString, Matches } from 'class-validator';
import { Idempotent, Public } from '@shiming/common';
import { CLOCK, parseIsoDuration, TestClock } from '@shiming/workflow';

class AdvanceClockDto {
  @ApiProperty({
    example: 'P2D',
    description: 'ISO 8601 duration (weeks, days, hours, minutes, seconds)',
  })
  @IsString()
  @Matches(/^P/, { message: 'must be an ISO 8601 duration such as P2D or PT3H' })
  duration!: string;
}

class ClockDto {
  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' })
  now!: string;
  @ApiProperty({ description: 'How far the sandbox clock is ahead of real time, in milliseconds' })
  offsetMs!: number;
}

class AdvancedClockDto extends ClockDto {
  @ApiProperty({ description: 'Timers that became due and fired, in due order' })
  fired!: { timerId: string; kind: string; streamId: string; dueAt: string }[];
}

/** The sandbox's test clock: read it, or move it forward and fire what became due. */
@ApiTags('sandbox')
@Public()
@Controller('v1/sandbox/clock')
export class SandboxClockController {
  constructor(@Inject(CLOCK) private readonly clock: TestClock) {}

  @Get()
  @ApiOperation({ summary: 'The sandbox clock' })
  @ApiOkResponse({ type: ClockDto })
  read(): ClockDto {
    return { now: this.clock.now().toISOString(), offsetMs: this.clock.offset };
  }

  @Post('advance')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Moves the sandbox clock forward and fires every timer that became due',
  })
  @ApiOkResponse({ type: AdvancedClockDto })
  @ApiProblems(
    VALIDATION_FAILED,
    problem(422, 'invalid_duration', 'P2X is not an ISO 8601 duration such as P2D or PT3H.'),
  )
  async advance(@Body() body: AdvanceClockDto): Promise<AdvancedClockDto> {
    parseIsoDuration(body.duration);
    const fired = await this.clock.advance(body.duration);
    return {
      ...this.read(),
      fired: fired.map((t) => ({
        timerId: t.timerId,
        kind: t.kind,
        streamId: t.streamId,
        dueAt: t.dueAt.toISOString(),
      })),
    };
  }
}
