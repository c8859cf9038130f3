import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { stopTracing } from '@shiming/common/tracing/sdk';

/** Exports the spans still buffered when the application closes (SIGTERM, SIGINT). */
@Injectable()
export class TracingShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return stopTracing();
  }
}
