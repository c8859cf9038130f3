import {
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { from, switchMap, type Observable } from 'rxjs';
import { NoteStaffMemberCommand } from '@shiming/backoffice';
import { principalOf } from '@shiming/common';
import { BackofficeAuditController } from './backoffice-audit.controller';
import { BackofficeTeamController } from './backoffice-team.controller';
import { BackofficeController } from './backoffice.controller';

const BACKOFFICE = new Set<unknown>([
  BackofficeController,
  BackofficeTeamController,
  BackofficeAuditController,
]);

/**
 * Staff become known to the directory (the list a supervisor reassigns from) when they
 * use the back office: the first request with new roles records them.
 */
@Injectable()
export class StaffPresenceInterceptor implements NestInterceptor {
  private readonly logger = new Logger(StaffPresenceInterceptor.name);

  constructor(private readonly commands: CommandBus) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !BACKOFFICE.has(context.getClass())) return next.handle();
    const principal = principalOf(context.switchToHttp().getRequest());
    if (!principal) return next.handle();
    const noted = this.commands
      .execute(new NoteStaffMemberCommand({ id: principal.sub, roles: principal.roles }))
      // The directory is a convenience: failing to note someone never fails their request.
      .catch((error: unknown) =>
        this.logger.warn(`Could not note staff member: ${(error as Error).message}`),
      );
    return from(noted).pipe(switchMap(() => next.handle()));
  }
}
