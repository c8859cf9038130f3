import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  APP_CONFIG,
  KeyedHash,
  normaliseMainlandMobile,
  type AppConfig,
  preparedQuery,
} from '@shiming/common';
import { CLOCK, type Clock } from '@shiming/workflow';
import { smsCapRefusal, type VerificationState } from '../domain';
import { identityOf } from '../domain';
import { PersonalData, subjectOf } from './personal-data';

// The longest window a cap looks back on.
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Caps the SMS codes sent to one mobile number from all accounts together, per hour and
 * per day (the decider caps each account's own). Taken in the transaction of the command
 * that sends the code, once the decider has let it, so that a refused send counts
 * nothing; sends to one number are counted one at a time.
 */
@Injectable()
export class MobileSmsQuota {
  private readonly maxPerHour: number;
  private readonly maxPerDay: number;

  constructor(
    private readonly hash: KeyedHash,
    private readonly personalData: PersonalData,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxPerHour = config.verification.smsMobileMaxPerHour;
    this.maxPerDay = config.verification.smsMobileMaxPerDay;
  }

  /** The writes a step that sends a code adds to its command. */
  readonly withEvents = (tx: EntityManager, before: VerificationState): Promise<void> =>
    this.take(tx, before);

  /** Counts a code to the mobile of the card `before` is at; throws when none is left. */
  async take(tx: EntityManager, before: VerificationState): Promise<void> {
    const identity = identityOf(before);
    const card =
      before.status === 'sms_pending'
        ? before.card
        : before.status === 'bank_card_required' && before.cardStep.stage === 'matched'
          ? before.cardStep.card
          : undefined;
    if (!identity || !card) throw new Error(`No card to send a code to (${before.status})`);
    const { mobile } = await this.personalData.revealCard(identity, card, tx);
    const mobileKey = this.hash.hash('sms-mobile', normaliseMainlandMobile(mobile));
    const now = this.clock.now();
    await preparedQuery(tx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `shiming:sms-mobile:${mobileKey}`,
    ]);
    // A day is all any cap looks back: older rows go, whoever they were for. One
    // statement after the lock (its snapshot sees every send counted before it), whose
    // SELECT does not see the DELETE and so leaves the same rows out itself.
    const sent: { sent_at: Date }[] = await preparedQuery(
      tx,
      `WITH purged AS (DELETE FROM sms_mobile_sends WHERE sent_at <= $1)
       SELECT sent_at FROM sms_mobile_sends
        WHERE mobile_key = $2 AND sent_at > $1 ORDER BY sent_at`,
      [new Date(now.getTime() - DAY_MS), mobileKey],
    );
    const refusal = smsCapRefusal(
      sent.map((row) => row.sent_at.toISOString()),
      now.toISOString(),
      { perHour: this.maxPerHour, perDay: this.maxPerDay },
    );
    if (refusal) throw refusal;
    await preparedQuery(
      tx,
      `INSERT INTO sms_mobile_sends (mobile_key, subject_id, sent_at) VALUES ($1, $2, $3)`,
      [mobileKey, subjectOf(identity), now],
    );
  }

  /** The identity was erased: the hashes of the numbers its cards named go with it. */
  async forget(tx: EntityManager, subjectId: string): Promise<void> {
    await tx.query(`DELETE FROM sms_mobile_sends WHERE subject_id = $1`, [subjectId]);
  }
}
