import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventStore, type LogPosition } from '@shiming/event-store';
import { fold } from '@shiming/workflow';
import type { CaseDecider, CaseEvent, CaseState } from '../domain';
import { caseStreamId } from '../backoffice.streams';
import { CASE_DECIDER } from '../backoffice.tokens';

export interface LoadedCase {
  state: CaseState;
  /** The stream's version: its number of events. */
  version: number;
  /** Where its last event is in the log (null before the first), for read-your-writes. */
  position: LogPosition | null;
}

/** Loads cases from their streams (short: a few dozen events at most). */
@Injectable()
export class CaseStreams {
  constructor(
    private readonly store: EventStore,
    @Inject(CASE_DECIDER) private readonly decider: CaseDecider,
  ) {}

  async load(caseId: string, tx?: EntityManager): Promise<LoadedCase> {
    const stored = await this.store.readStream(caseStreamId(caseId), 1, { transaction: tx });
    return {
      state: fold(
        this.decider,
        stored.map((e) => ({ type: e.type, data: e.data }) as CaseEvent),
      ),
      version: stored.length ? stored[stored.length - 1].streamVersion : 0,
      position: stored.length ? stored[stored.length - 1].position : null,
    };
  }
}
