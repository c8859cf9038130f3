import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import type { StaffMemberSeen } from '../domain';
import { StaffDirectoryRepository } from '../infrastructure/staff-directory.repository';

/** `backoffice_staff`: who used the back office, with the roles they were last seen with. */
@Injectable()
export class StaffDirectoryProjection implements Projection {
  static readonly NAME = 'backoffice-staff';
  readonly name = StaffDirectoryProjection.NAME;
  readonly eventTypes = ['StaffMemberSeen'];

  constructor(private readonly directory: StaffDirectoryRepository) {}

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      const { at, staffId, roles } = event.data as StaffMemberSeen['data'];
      await this.directory.seen(tx, staffId, roles, at);
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await this.directory.clear(tx);
  }
}
