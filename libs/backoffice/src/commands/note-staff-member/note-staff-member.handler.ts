import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { staffRolesOf } from '../../domain';
import { StaffStreams } from '../../infrastructure/staff-streams';
import { NoteStaffMemberCommand } from './note-staff-member.command';

// Sightings recorded by this process; a repeat costs nothing. Bounded, since a staff
// member's roles rarely change and a forgotten one is only read again.
const REMEMBERED = 10_000;

@CommandHandler(NoteStaffMemberCommand)
export class NoteStaffMemberHandler implements ICommandHandler<NoteStaffMemberCommand> {
  private readonly recorded = new Set<string>();

  constructor(private readonly streams: StaffStreams) {}

  async execute({ staff }: NoteStaffMemberCommand): Promise<void> {
    const roles = staffRolesOf(staff.roles);
    const key = `${staff.id}\u0000${roles.join(',')}`;
    if (roles.length === 0 || this.recorded.has(key)) return;
    await this.streams.run(staff.id, {
      type: 'NoteStaffMember',
      data: { at: this.streams.now(), staffId: staff.id, roles },
    });
    if (this.recorded.size >= REMEMBERED) this.recorded.clear();
    this.recorded.add(key);
  }
}
