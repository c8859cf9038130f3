import { Command } from '@nestjs/cqrs';
import type { Staff } from '../../domain';

/** A staff member used the back office: the directory learns them, or their new roles. */
export class NoteStaffMemberCommand extends Command<void> {
  constructor(readonly staff: Staff) {
    super();
  }
}
