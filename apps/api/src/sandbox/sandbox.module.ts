import { Module } from '@nestjs/common';
import { SandboxClockController } from './sandbox-clock.controller';

/** Endpoints that exist only in the sandbox (`SANDBOX=true`). */
@Module({ controllers: [SandboxClockController] })
export class SandboxModule {}
