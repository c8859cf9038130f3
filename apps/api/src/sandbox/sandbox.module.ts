import { Module } from '@nestjs/common';
import { SandboxClockController } from './sandbox-clock.controller';
import { SandboxOutsideController } from './sandbox-outside.controller';
import { SandboxTokensController } from './sandbox-tokens.controller';

/** Endpoints that exist only in the sandbox (`SANDBOX=true`). */
@Module({
  controllers: [SandboxTokensController, SandboxClockController, SandboxOutsideController],
})
export class SandboxModule {}
