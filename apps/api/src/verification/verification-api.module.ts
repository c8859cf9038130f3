import { Module } from '@nestjs/common';
import { BackofficeCasesController } from './backoffice-cases.controller';
import { VerificationController } from './verification.controller';

/** The verification context's HTTP side: the user API and the minimal case decision. */
@Module({
  controllers: [VerificationController, BackofficeCasesController],
})
export class VerificationApiModule {}
