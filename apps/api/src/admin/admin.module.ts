import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { createBullBoard } from '@bull-board/api';
import { FastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { TokenVerifier } from '@shiming/common';
import { QueueName } from '@shiming/workflow';
import type { Queue } from 'bullmq';
import { adminAuth } from './admin-auth.middleware';
import { ADMIN_PATH } from './admin-cookie';
import { AdminSessionController } from './admin-session.controller';

export const QUEUE_DASHBOARD_PATH = `${ADMIN_PATH}/queues`;

/**
 * The operators' view of the BullMQ queues (Bull Board) at `/admin/queues`, for
 * supervisors, and the session endpoint that lets a browser open it.
 *
 * The dashboard is read-only: the timers table in PostgreSQL is the truth and a timer
 * job removed by hand would stay lost until Redis is found to have lost its data.
 */
@Module({ controllers: [AdminSessionController] })
export class AdminModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly verifier: TokenVerifier,
  ) {}

  onModuleInit(): void {
    const queues = this.queues();
    if (queues.length === 0) {
      new Logger('Admin').log(
        `No Redis configured: the queue dashboard (${QUEUE_DASHBOARD_PATH}) is off`,
      );
      return;
    }
    const serverAdapter = new FastifyAdapter();
    createBullBoard({
      queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'Shiming queues' } },
    });
    // Bull Board's routes in a scope of their own, behind the staff check.
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const auth = adminAuth(this.verifier, ['supervisor']);
    void fastify.register(async (scope) => {
      scope.addHook('onRequest', auth);
      await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    });
  }

  // Every queue of the engine that this process registered.
  private queues(): Queue[] {
    return Object.values(QueueName).flatMap((name) => {
      try {
        return [this.moduleRef.get<Queue>(getQueueToken(name), { strict: false })];
      } catch {
        return [];
      }
    });
  }
}
