import { Injectable } from '@nestjs/common';
import { UnknownProjectionError } from '../event-store.errors';
import type { Projection } from './projection';

/**
 * The projections and process managers of this application. Modules register
 * theirs in `onModuleInit`; the registry is closed when the application has
 * started, so that a late registration fails loudly instead of never running.
 */
@Injectable()
export class SubscriptionRegistry {
  private readonly projections = new Map<string, Projection>();
  private closed = false;

  register(...projections: Projection[]): this {
    for (const projection of projections) {
      if (this.closed) {
        throw new Error(
          `Projection ${projection.name} registered after start-up; use onModuleInit`,
        );
      }
      if (!projection.name) throw new Error('A projection needs a name');
      // Two subscribers under one name would share, and fight over, one checkpoint.
      if (this.projections.has(projection.name)) {
        throw new Error(`Projection ${projection.name} registered twice`);
      }
      this.projections.set(projection.name, projection);
    }
    return this;
  }

  get(name: string): Projection {
    const projection = this.projections.get(name);
    if (!projection) throw new UnknownProjectionError(name);
    return projection;
  }

  all(): Projection[] {
    return [...this.projections.values()];
  }

  close(): void {
    this.closed = true;
  }
}
