import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventMetadata, EventStore, WrongExpectedVersionError } from '@shiming/event-store';
import { eventIdFor, fold } from '@shiming/workflow';
import {
  identityRegistryDecider,
  IdentityHeldByAnotherAccountError,
  identityOf,
  occupantOf,
  type RegistryChange,
  type IdentityRegistryCommand,
  type IdentityRegistryEvent,
  type IdentityRegistryState,
} from '../domain';
import { identityStreamId } from '../verification.streams';
import { VerificationAccounts } from './verification-accounts';

/**
 * The registry changed under a command that read it: the whole command is decided
 * again, in a new transaction, with what the registry holds now.
 */
export class IdentityRegistryConflictError extends Error {
  readonly code = 'version_conflict';
  readonly status = 409;

  constructor(
    readonly registryId: string,
    cause: unknown,
  ) {
    super('Another account changed who holds this identity at the same time.', { cause });
    this.name = 'IdentityRegistryConflictError';
  }
}

/** Reads and appends to the identity registry streams. */
@Injectable()
export class IdentityRegistry {
  constructor(
    private readonly store: EventStore,
    private readonly accounts: VerificationAccounts,
  ) {}

  /**
   * Applies a command's registry changes (`effectsOf`) in its transaction; a change for
   * the identity a main account holds goes to that account's registry.
   */
  async applyChanges(
    tx: EntityManager,
    changes: readonly RegistryChange[],
    commandId: string,
    metadata: EventMetadata,
  ): Promise<void> {
    for (const change of changes) {
      let registryId: string;
      if ('registryId' in change.target) {
        registryId = change.target.registryId;
      } else {
        const main = await this.accounts.load(change.target.identityOfAccount, tx);
        const identity = identityOf(main.state);
        if (!identity) continue;
        registryId = identity.registryId;
      }
      await this.apply(tx, registryId, change.command, commandId, metadata);
    }
  }

  async read(
    registryId: string,
    tx?: EntityManager,
  ): Promise<{ state: IdentityRegistryState; version: number }> {
    const events = await this.store.readStream(identityStreamId(registryId), 1, {
      transaction: tx,
    });
    return {
      state: fold(
        identityRegistryDecider,
        events.map((e) => ({ type: e.type, data: e.data }) as IdentityRegistryEvent),
      ),
      version: events.length ? events[events.length - 1].streamVersion : 0,
    };
  }

  /** The account holding the identity, other than `except`. */
  async occupant(registryId: string, except: string, tx?: EntityManager): Promise<string | null> {
    return occupantOf((await this.read(registryId, tx)).state, except);
  }

  /**
   * Decides a registry command and appends its events at the version read, inside the
   * account command's transaction. A concurrent change of the same identity, or a
   * holder that is not this account, throws IdentityRegistryConflictError.
   */
  async apply(
    tx: EntityManager,
    registryId: string,
    command: IdentityRegistryCommand,
    commandId: string,
    metadata: EventMetadata,
  ): Promise<void> {
    const { state, version } = await this.read(registryId, tx);
    let events: IdentityRegistryEvent[];
    try {
      events = identityRegistryDecider.decide(command, state);
    } catch (error) {
      if (error instanceof IdentityHeldByAnotherAccountError) {
        throw new IdentityRegistryConflictError(registryId, error);
      }
      throw error;
    }
    if (events.length === 0) return;
    const streamId = identityStreamId(registryId);
    // Several changes of one registry in one command get distinct ids by version.
    const idBase = `${commandId}|${version}`;
    try {
      await this.store.append(
        streamId,
        version === 0 ? 'no_stream' : version,
        events.map((event, index) => ({
          id: eventIdFor(idBase, streamId, index),
          type: event.type,
          data: event.data,
        })),
        { metadata, transaction: tx },
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        throw new IdentityRegistryConflictError(registryId, error);
      }
      throw error;
    }
  }
}
