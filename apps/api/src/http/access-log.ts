import { logAccess } from '@shiming/common';
import type { onResponseHookHandler } from 'fastify';
import { PinoLogger } from 'nestjs-pino';

/** The access log as a Fastify hook: a line once each answer is sent (see `logAccess`). */
export function accessLog(): onResponseHookHandler {
  return (request, reply, done) => {
    logAccess(PinoLogger.root, request.raw, reply.statusCode, reply.elapsedTime);
    done();
  };
}
