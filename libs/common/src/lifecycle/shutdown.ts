import { BeforeApplicationShutdown, Global, Injectable, Module } from '@nestjs/common';

/**
 * That the process is shutting down, for what must change at once: readiness answers
 * 503, a long poll answers now with what it has, an answer closes its connection.
 * Begun by the api's SIGTERM handler before it stops listening, or by Nest's shutdown.
 */
@Injectable()
export class Shutdown implements BeforeApplicationShutdown {
  private readonly controller = new AbortController();

  /** Aborted once the shutdown has begun. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get begun(): boolean {
    return this.controller.signal.aborted;
  }

  begin(): void {
    if (!this.begun) this.controller.abort();
  }

  beforeApplicationShutdown(): void {
    this.begin();
  }
}

@Global()
@Module({ providers: [Shutdown], exports: [Shutdown] })
export class ShutdownModule {}
