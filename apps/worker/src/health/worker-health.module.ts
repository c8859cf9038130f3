import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { WorkerHealth } from './worker-health';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  providers: [WorkerHealth],
  exports: [WorkerHealth],
})
export class WorkerHealthModule {}
