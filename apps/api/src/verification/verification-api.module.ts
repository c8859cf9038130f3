import { Module } from '@nestjs/common';
import { StatusPoll } from './status-poll';
import { VerificationController } from './verification.controller';

/**
 * The verification context's HTTP side: the user API and the minimal case decision,
 * and the status poll answered before Nest's pipeline (configureApp adds its hook).
 */
@Module({
  controllers: [VerificationController],
  providers: [StatusPoll],
})
export class VerificationApiModule {}
