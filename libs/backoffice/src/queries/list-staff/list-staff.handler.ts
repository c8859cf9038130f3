import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { mayWork } from '../../domain';
import {
  StaffDirectoryRepository,
  type StaffMember,
} from '../../infrastructure/staff-directory.repository';
import { ListStaffQuery } from './list-staff.query';

@QueryHandler(ListStaffQuery)
export class ListStaffHandler implements IQueryHandler<ListStaffQuery> {
  constructor(private readonly directory: StaffDirectoryRepository) {}

  async execute({ kind }: ListStaffQuery): Promise<{ items: StaffMember[] }> {
    const staff = await this.directory.list();
    return { items: kind ? staff.filter((s) => mayWork(s.roles, kind)) : staff };
  }
}
