import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ForgeName } from '../../domain/types.js';

/** One API request as the fault plan sees it. */
export interface ApiCall {
  forge: ForgeName;
  method: string;
  /** Path below the forge's API root, e.g. `/projects/42/issues/3` or `/graphql`. */
  path: string;
  body: unknown;
  /** How many requests the simulator has answered before this one (all forges). */
  seq: number;
}

/** What goes wrong with a request: an error answer, a slow answer, or a dropped connection. */
export type Fault =
  | { status: number; message?: string; headers?: Record<string, string> }
  | { delayMs: number }
  | { drop: true };

export type FaultPlan = (call: ApiCall) => Fault | undefined;

export interface ApiCounters {
  requests: number;
  byForge: Record<ForgeName, number>;
  faults: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Count every API request and let the current plan fail it before the route answers. */
export function installFaults(
  app: FastifyInstance,
  forge: ForgeName,
  prefix: string,
  counters: ApiCounters,
  plan: () => FaultPlan | null,
): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply) => {
    const seq = counters.requests++;
    counters.byForge[forge] += 1;
    const fault = plan()?.({
      forge,
      method: request.method,
      path: (request.url.split('?')[0] ?? '').slice(prefix.length),
      body: request.body,
      seq,
    });
    if (!fault) return;
    counters.faults += 1;
    if ('drop' in fault) {
      request.raw.socket.destroy();
      return reply.hijack();
    }
    if ('delayMs' in fault) {
      await sleep(fault.delayMs);
      return;
    }
    return reply
      .code(fault.status)
      .headers(fault.headers ?? {})
      .send({ message: fault.message ?? `simulated ${fault.status}` });
  });
}
