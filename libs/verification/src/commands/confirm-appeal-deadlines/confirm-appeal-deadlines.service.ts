import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, WorkingDayCalendar, type Clock } from '@shiming/workflow';
import type { VerificationPolicy } from '../../domain';
import { VerificationAccounts } from '../../infrastructure/verification-accounts';
import { VerificationCommandExecutor } from '../../infrastructure/verification-command.executor';
import { VerificationStatusRepository } from '../../infrastructure/verification-status.repository';
import { VERIFICATION_POLICY } from '../../verification.tokens';

export interface DeadlineConfirmation {
  /** Open appeals whose due time was provisional. */
  provisional: number;
  /** Of them, those whose due time the calendar now counts officially. */
  confirmed: number;
}

/**
 * Replaces provisional appeal due times by official ones once the calendar has data for
 * their days (a `HOLIDAYS_FILE` or a newer package, both read at boot). Safe to run in
 * several processes at once: the command id is the case's, the decider does nothing for
 * a due time already official, and the case's SLA timer is re-armed with its events.
 */
@Injectable()
export class ConfirmAppealDeadlines {
  private readonly logger = new Logger(ConfirmAppealDeadlines.name);

  constructor(
    private readonly statuses: VerificationStatusRepository,
    private readonly accounts: VerificationAccounts,
    private readonly executor: VerificationCommandExecutor,
    private readonly calendar: WorkingDayCalendar,
    @Inject(VERIFICATION_POLICY) private readonly policy: VerificationPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async run(): Promise<DeadlineConfirmation> {
    const accountIds = await this.statuses.provisionalAppeals();
    let confirmed = 0;
    for (const accountId of accountIds) {
      if (await this.confirm(accountId)) confirmed++;
    }
    if (accountIds.length > 0) {
      this.logger.log(
        `Provisional appeal deadlines: ${confirmed} of ${accountIds.length} confirmed ` +
          `with ${this.calendar.calendarVersion}`,
      );
    }
    return { provisional: accountIds.length, confirmed };
  }

  private async confirm(accountId: string): Promise<boolean> {
    const { state } = await this.accounts.load(accountId);
    if (state.status !== 'appeal_pending' || !state.appeal.provisional) return false;
    const { caseId, provisional } = state.appeal;
    const official = this.calendar.workingDayDeadline(
      new Date(provisional.filedAt),
      this.policy.appeal.slaWorkingDays,
    );
    // The data still ends before the due day: it stays provisional until it comes.
    if (official.provisional) return false;
    const outcome = await this.executor.execute(
      accountId,
      {
        type: 'ConfirmAppealDeadline',
        data: { at: this.clock.now().toISOString(), caseId, dueAt: official.dueAt.toISOString() },
      },
      {
        actor: { type: 'system', id: 'working-day-calendar' },
        correlationId: `confirm-appeal-deadline:${caseId}`,
        commandId: `confirm-appeal-deadline:${caseId}:${this.calendar.calendarVersion}`,
      },
    );
    // A repeat of the command (another worker ran it) appends nothing.
    return outcome.position !== null;
  }
}
