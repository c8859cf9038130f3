import type { EntityManager } from 'typeorm';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  AuthorityUnavailableError,
  IDENTITY_AUTHORITY,
  type IdentityAuthority,
} from '@shiming/integrations';
import type { HolderStatus, VerificationState } from '../domain';
import { IdentityRegistry } from '../infrastructure/identity-registry.repository';
import { PersonalData } from '../infrastructure/personal-data';
import { VerificationAccounts } from '../infrastructure/verification-accounts';
import { isLatest, type OutsideCallHandler, type OutsideCallInput } from './outside-call.handler';
import { OutsideCallRegistry } from './outside-call.registry';

const IDENTITY_CHECK_EVENTS = [
  'IdentitySubmitted',
  'IdentityCheckRetried',
  'IdentityCheckDeferred',
  'IdentityVerified',
  'IdentityMismatched',
  'IdentityOccupied',
];

/** Asks the identity authority about a submitted identity, and who else holds it. */
@Injectable()
export class IdentityCheckCall implements OutsideCallHandler, OnModuleInit {
  readonly kind = 'identity_check';
  private readonly logger = new Logger(IdentityCheckCall.name);

  constructor(
    private readonly calls: OutsideCallRegistry,
    private readonly personalData: PersonalData,
    private readonly registry: IdentityRegistry,
    private readonly accounts: VerificationAccounts,
    @Inject(IDENTITY_AUTHORITY) private readonly authority: IdentityAuthority,
  ) {}

  onModuleInit(): void {
    this.calls.register(this);
  }

  async handle({ call, state, events, event, inClear, record }: OutsideCallInput): Promise<void> {
    const awaited =
      state.status === 'identity_pending' &&
      state.awaiting === 'authority' &&
      state.check.retryAt === undefined &&
      isLatest(events, event, IDENTITY_CHECK_EVENTS);
    if (!awaited) return;
    // The request that submitted the identity has it in clear: no need to decrypt it.
    const identity = inClear.identity ?? (await this.personalData.revealIdentity(state.identity));
    let outcome: 'match' | 'mismatch' | 'unavailable';
    try {
      outcome = await this.authority.check(identity);
    } catch (error) {
      // Whatever went wrong on the authority's side, the decider retries with back-off.
      if (!(error instanceof AuthorityUnavailableError)) {
        this.logger.warn(`Identity authority failed, retrying later: ${describe(error)}`);
      }
      outcome = 'unavailable';
    }
    const { registryId } = state.identity;
    await record(
      async (at, tx) => ({
        type: 'RecordIdentityCheck',
        data: {
          at,
          outcome,
          ...(outcome === 'match' ? await this.occupancy(registryId, call.accountId, tx) : {}),
        },
      }),
      'identity-authority',
    );
  }

  private async occupancy(
    registryId: string,
    accountId: string,
    tx: EntityManager,
  ): Promise<{ occupiedBy?: { accountId: string; holderStatus: HolderStatus } }> {
    const holder = await this.registry.occupant(registryId, accountId, tx);
    if (!holder) return {};
    const { state } = await this.accounts.load(holder, tx);
    return { occupiedBy: { accountId: holder, holderStatus: holderStatusOf(state) } };
  }
}

/** How a holding account shows to another account that submits its identity. */
function holderStatusOf(state: VerificationState): HolderStatus {
  return state.status === 'authenticated' ? 'authenticated' : 'identity_verified';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
