import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  identityOf,
  type CallSecret,
  type OutsideCallEffect,
  type VerificationState,
} from '../domain';
import {
  outsideCallId,
  OutsideCallsRepository,
  type OutsideCall,
} from './outside-calls.repository';
import { PersonalData, subjectOf } from './personal-data';

/** Secrets an outside call started by a command needs, kept only encrypted. */
export type CallSecrets = { [S in CallSecret]?: S extends 'smsCode' ? string : number };

// How a call's payload names its secret (what the outside-call handlers read).
const PAYLOAD_FIELDS: Record<CallSecret, string> = {
  smsCode: 'code',
  depositAmountFen: 'amountFen',
};

/** The calls a command opened, and those it opened in its caller's hands. */
export interface OpenedCalls {
  callIds: string[];
  /** Claimed for the caller, which makes them at once (`leaseMs` given). */
  claimed: OutsideCall[];
}

/**
 * Opens the outside calls a command's events ask for, in its transaction: one row each,
 * named by the kind and the asking event, with the secret the call needs sealed under
 * the identity's data key. Returns the calls' ids, for the request's fast path; with
 * `leaseMs`, the calls are opened claimed by that fast path.
 */
@Injectable()
export class OutsideCallOpener {
  constructor(
    private readonly calls: OutsideCallsRepository,
    private readonly personalData: PersonalData,
  ) {}

  async open(
    tx: EntityManager,
    accountId: string,
    calls: readonly OutsideCallEffect[],
    command: { eventIds: readonly string[]; state: VerificationState; secrets: CallSecrets },
    leaseMs?: number,
  ): Promise<OpenedCalls> {
    const opened: OpenedCalls = { callIds: [], claimed: [] };
    for (const { kind, eventIndex, secret } of calls) {
      const eventId = command.eventIds[eventIndex];
      const callId = outsideCallId(kind, eventId);
      let subjectId: string | null = null;
      let payload: string | null = null;
      if (secret) {
        const identity = identityOf(command.state);
        if (!identity) throw new Error(`A ${kind} call without an identity`);
        subjectId = subjectOf(identity);
        const value = command.secrets[secret];
        if (value === undefined) throw new Error(`A ${kind} call needs its secret (${secret})`);
        payload = await this.personalData.sealFor(
          subjectId,
          JSON.stringify({ [PAYLOAD_FIELDS[secret]]: value }),
          tx,
        );
      }
      const call = { callId, accountId, kind, eventId, subjectId, payload };
      if ((await this.calls.open(tx, call, leaseMs)) && leaseMs !== undefined) {
        opened.claimed.push({ ...call, attempts: 1, done: false });
      }
      opened.callIds.push(callId);
    }
    return opened;
  }
}
