import { Command } from '@nestjs/cqrs';
import type { RebuildResult } from './rebuild-projection';

/** Rebuilds a registered projection's read model from the start of the log. */
export class RebuildProjectionCommand extends Command<RebuildResult> {
  constructor(readonly projectionName: string) {
    super();
  }
}
