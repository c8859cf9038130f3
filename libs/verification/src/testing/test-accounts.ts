import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { buildBankCardNumber, buildResidentIdNumber } from '@shiming/common';
import { CLOCK, type Clock } from '@shiming/workflow';
import type { SubmittedIdentity, VerificationCommand } from '../domain';
import {
  PersonalData,
  type CardInClear,
  type IdentityInClear,
} from '../infrastructure/personal-data';
import {
  VerificationCommandExecutor,
  type CommandSource,
  type StepContext,
  type StepOutcome,
} from '../infrastructure/verification-command.executor';
import { VerificationDocuments } from '../infrastructure/verification-documents';

// Accounts for the verification's integration specs, walked step by step through the
// command executor (no HTTP, no fast path): each answer of an outside party is recorded
// as the command its handler would send, so that a spec decides what happens when.

let serial = 0;

/** A test identity nobody else in the run uses; sequence `998` is unavailable, `999` a mismatch. */
export function newIdentity(sequence = '123'): IdentityInClear {
  serial++;
  const birth = new Date(Date.UTC(1950, 0, 1) + (serial * 41 + process.pid) * 86_400_000);
  return {
    name: '李四',
    idNumber: buildResidentIdNumber({ birthDate: birth.toISOString().slice(0, 10), sequence }),
  };
}

export function newCard(): CardInClear {
  serial++;
  return {
    cardNumber: buildBankCardNumber({ digits7to9: '123', serial: 2_000_000 + serial }),
    mobile: `139${String(10_000_000 + ((serial * 7919 + process.pid) % 89_999_999)).slice(0, 8)}`,
  };
}

export function newAccountId(): string {
  return `acct-${randomBytes(6).toString('hex')}`;
}

/** A user's context for one command, with an id of its own unless given. */
export function userContext(accountId: string, extras: Partial<StepContext> = {}): StepContext {
  return {
    actor: { type: 'user', id: accountId },
    correlationId: randomUUID(),
    commandId: `test:${randomUUID()}`,
    ...extras,
  };
}

export class TestAccount {
  /** The identity as submitted (encrypted), once it was. */
  submitted?: SubmittedIdentity;

  constructor(
    private readonly app: INestApplicationContext,
    readonly accountId: string = newAccountId(),
    readonly identity: IdentityInClear = newIdentity(),
  ) {}

  get executor(): VerificationCommandExecutor {
    return this.app.get(VerificationCommandExecutor);
  }

  now(): string {
    return this.app.get<Clock>(CLOCK).now().toISOString();
  }

  run(command: CommandSource, extras: Partial<StepContext> = {}): Promise<StepOutcome> {
    return this.executor.execute(this.accountId, command, userContext(this.accountId, extras));
  }

  start(): Promise<StepOutcome> {
    return this.run({ type: 'StartVerification', data: { at: this.now(), region: 'mainland' } });
  }

  /** Encrypts the identity in the command's transaction, as the submission does. */
  async submitIdentity(extras: Partial<StepContext> = {}): Promise<StepOutcome> {
    const personalData = this.app.get(PersonalData);
    let identity: SubmittedIdentity | undefined;
    const outcome = await this.run(async (_state, tx) => {
      identity ??= await personalData.protectIdentity(this.identity, tx);
      return {
        type: 'SubmitIdentity',
        data: { at: this.now(), identity, passwordCorrect: true },
      } as VerificationCommand;
    }, extras);
    this.submitted = identity;
    return outcome;
  }

  /** The authority's answer, as the identity check records it. */
  recordIdentityCheck(
    outcome: 'match' | 'mismatch' | 'unavailable',
    occupiedBy?: { accountId: string; holderStatus: 'identity_verified' | 'authenticated' },
  ): Promise<StepOutcome> {
    return this.run({
      type: 'RecordIdentityCheck',
      data: { at: this.now(), outcome, ...(occupiedBy ? { occupiedBy } : {}) },
    });
  }

  confirm(): Promise<StepOutcome> {
    return this.run({ type: 'ConfirmIdentity', data: { at: this.now() } });
  }

  skipPhotos(): Promise<StepOutcome> {
    return this.run({ type: 'SkipIdDocuments', data: { at: this.now() } });
  }

  /** Two ID photos, stored by the step's own writes once the command is taken. */
  submitPhotos(extras: Partial<StepContext> = {}): Promise<StepOutcome> {
    const uploads = this.app.get(VerificationDocuments).uploads(this.accountId, [
      { field: 'front', bytes: randomBytes(64), contentType: 'image/png', size: 64 },
      { field: 'back', bytes: randomBytes(64), contentType: 'image/png', size: 64 },
    ]);
    const [frontId, backId] = uploads.documentIds;
    return this.run(
      { type: 'SubmitIdDocuments', data: { at: this.now(), frontId, backId } },
      { withEvents: uploads.extras().withEvents, ...extras },
    );
  }

  async submitCard(card: CardInClear = newCard()): Promise<StepOutcome> {
    if (!this.submitted) throw new Error('Submit the identity first');
    const protectedCard = await this.app.get(PersonalData).protectCard(this.submitted, card, false);
    return this.run({ type: 'SubmitBankCard', data: { at: this.now(), card: protectedCard } });
  }

  recordBankCheck(): Promise<StepOutcome> {
    return this.run({
      type: 'RecordBankCheck',
      data: { at: this.now(), outcome: 'match', supportsPaymentVerification: true },
    });
  }

  /** The agreement, with the SMS code the call will send (kept encrypted with the call). */
  acceptAgreement(code: string, extras: Partial<StepContext> = {}): Promise<StepOutcome> {
    return this.run(
      {
        type: 'AcceptAgreement',
        data: { at: this.now(), codeHash: this.app.get(PersonalData).smsCodeHash(code) },
      },
      { secrets: { smsCode: code }, ...extras },
    );
  }

  verifySmsCode(code: string): Promise<StepOutcome> {
    return this.run({
      type: 'VerifySmsCode',
      data: { at: this.now(), codeHash: this.app.get(PersonalData).smsCodeHash(code) },
    });
  }

  /** Started, identity submitted and verified by the authority: it holds the identity. */
  async toVerified(): Promise<StepOutcome> {
    await this.start();
    await this.submitIdentity();
    return this.recordIdentityCheck('match');
  }

  /** Verified, confirmed and past the photos: the bank card is next. */
  async toCardStep(): Promise<StepOutcome> {
    await this.toVerified();
    await this.confirm();
    return this.skipPhotos();
  }

  /** The card matched and the agreement accepted: an SMS code is out. */
  async toSmsPending(code: string): Promise<StepOutcome> {
    await this.toCardStep();
    await this.submitCard();
    await this.recordBankCheck();
    return this.acceptAgreement(code);
  }
}
