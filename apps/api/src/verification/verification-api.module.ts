import { Module } from '@nestjs/common';
import { VerificationController } from './verification.controller';

/** The verification context's HTTP side: the user API and the minimal case decision. */
@Module({
  controllers: [VerificationController],
})
export class VerificationApiModule {}
