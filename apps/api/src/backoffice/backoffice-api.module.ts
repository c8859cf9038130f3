import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { BackofficeAuditController } from './backoffice-audit.controller';
import { BackofficeTeamController } from './backoffice-team.controller';
import { BackofficeController } from './backoffice.controller';
import { StaffPresenceInterceptor } from './staff-presence.interceptor';

/** The back-office HTTP API over `libs/backoffice`. */
@Module({
  controllers: [BackofficeController, BackofficeTeamController, BackofficeAuditController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: StaffPresenceInterceptor }],
})
export class BackofficeApiModule {}
