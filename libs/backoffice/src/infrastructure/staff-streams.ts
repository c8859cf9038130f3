import { Inject, Injectable } from '@nestjs/common';
import { currentCorrelationId } from '@shiming/common';
import { eventMetadata } from '@shiming/event-store';
import {
  CLOCK,
  CommandRunner,
  ID_GENERATOR,
  type Clock,
  type IdGenerator,
} from '@shiming/workflow';
import { staffDecider, type StaffMemberCommand, type StaffEvent } from '../domain';
import { staffStreamId } from '../backoffice.streams';

/** Runs a command on a staff member's own stream, as that staff member. */
@Injectable()
export class StaffStreams {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  async run(staffId: string, command: StaffMemberCommand): Promise<StaffEvent[]> {
    const correlationId = currentCorrelationId() ?? this.ids.newId();
    const outcome = await this.runner.run({
      streamId: staffStreamId(staffId),
      decider: staffDecider,
      command,
      commandId: `staff:${this.ids.newId()}`,
      metadata: eventMetadata({
        actor: { type: 'staff', id: staffId },
        correlationId,
        requestId: correlationId,
      }),
    });
    return outcome.events;
  }
}
