import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import { TimerScheduler } from '@shiming/workflow';
import { commandsForOtherAccounts, type VerificationEvent } from '../domain';
import { VerificationCommandExecutor } from '../infrastructure/verification-command.executor';
import { accountIdOfStream } from '../verification.streams';

/**
 * Carries an account's effects on other accounts: an upheld appeal or a reclaim revokes
 * the former holder's identity, an association tells the main account. The commands
 * are appended in this batch's transaction, so each happens exactly once.
 */
@Injectable()
export class CrossAccountProcessManager implements Projection {
  static readonly NAME = 'verification-cross-account';
  readonly name = CrossAccountProcessManager.NAME;
  readonly eventTypes = ['AppealUpheld', 'IdentityReclaimed', 'AccountAssociated'];

  constructor(
    private readonly executor: VerificationCommandExecutor,
    private readonly scheduler: TimerScheduler,
  ) {}

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      const accountId = accountIdOfStream(event.streamId);
      if (!accountId) continue;
      const domainEvent = { type: event.type, data: event.data } as VerificationEvent;
      for (const [index, { accountId: other, command }] of commandsForOtherAccounts(
        accountId,
        domainEvent,
      ).entries()) {
        const outcome = await this.executor.execute(other, command, {
          actor: { type: 'system', id: CrossAccountProcessManager.NAME },
          correlationId: event.metadata.correlationId,
          causationId: event.eventId,
          commandId: `reaction:${event.eventId}:${index}`,
          transaction: tx,
        });
        // A revoked identity's documents are purged by a timer due at once.
        this.scheduler.enqueueAfterCommit(tx, outcome.scheduled);
      }
    }
  }
}
