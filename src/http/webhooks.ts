import type { FastifyPluginAsync } from 'fastify';
import type { ForgeName, IssueRef } from '../domain/types.js';
import type { ForgeWebhooks } from '../forges/forge.js';
import { header } from '../forges/headers.js';
import { DISCARD_METRICS, type DeliveryOutcome, type MetricsSink } from '../observability/events.js';
import { StoreUnavailableError, type Store } from '../store/store.js';
import { sendError } from './errors.js';

export interface WebhookRoutesOptions {
  store: Store;
  webhooks: Record<ForgeName, ForgeWebhooks>;
  /** Called after a delivery is stored, so the worker can start at once instead of at its next poll. */
  onStored?: () => void;
  /** Counts what intake answered each delivery. */
  metrics?: MetricsSink;
}

/** Forges send UUIDs (36) and our body digests are 71: anything much longer is not a delivery id. */
export const MAX_DELIVERY_ID_LENGTH = 200;

async function knownIssue(store: Store, ref: IssueRef): Promise<boolean> {
  try {
    return (await store.getIssueState(ref)) !== null;
  } catch (error) {
    throw new StoreUnavailableError('store: could not look the issue up', { cause: error });
  }
}

/**
 * POST /webhooks/gitlab and /webhooks/github: verify, classify, store durably, then answer.
 * The raw body is kept as bytes so the HMAC is computed over exactly what the forge signed.
 */
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, options) => {
  // Forges send JSON; anything else is answered 415 rather than parsed as something it is not.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const metrics = options.metrics ?? DISCARD_METRICS;

  app.post<{ Params: { forge: string } }>('/webhooks/:forge', async (request, reply) => {
    const forge = options.webhooks[request.params.forge as ForgeName];
    if (!forge)
      return sendError(reply, 'BK_WEBHOOK_UNKNOWN_FORGE', { error: `unknown forge '${request.params.forge}'` });
    const count = (outcome: DeliveryOutcome) => metrics.record({ type: 'delivery', forge: forge.forge, outcome });
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!(await forge.verify(request.headers, raw))) {
      count('unauthorised');
      return sendError(reply, 'BK_WEBHOOK_BAD_SIGNATURE');
    }

    const text = raw.toString('utf8');
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      count('invalid');
      return sendError(reply, 'BK_WEBHOOK_INVALID_JSON');
    }
    if (forge.forge === 'github' && header(request.headers, 'x-github-event') === 'ping') {
      count('ignored');
      return reply.send({ pong: true });
    }

    const classified = forge.classify(request.headers, payload, text);
    if ('ignored' in classified) {
      count('ignored');
      return reply.send({ ignored: classified.ignored });
    }
    if ('invalid' in classified) {
      count('invalid');
      return sendError(reply, 'BK_WEBHOOK_PAYLOAD_REJECTED', { detail: classified.invalid });
    }
    if (classified.accept.id.length > MAX_DELIVERY_ID_LENGTH) {
      count('invalid');
      return sendError(reply, 'BK_WEBHOOK_PAYLOAD_REJECTED', {
        detail: `delivery id is longer than ${MAX_DELIVERY_ID_LENGTH} characters`,
      });
    }

    const delivery = { ...classified.accept, body: text, receivedAt: new Date().toISOString() };
    const about = { deliveryId: delivery.id, forge: delivery.forge, event: delivery.event };
    try {
      if (classified.onlyForKnownIssue && !(await knownIssue(options.store, classified.onlyForKnownIssue))) {
        count('ignored');
        return reply.send({ ignored: 'board item of an issue not seen from an allowed repository' });
      }
      const result = await options.store.enqueue(delivery);
      count(result);
      if (result === 'duplicate') {
        request.log.info(about, 'duplicate delivery');
        return reply.code(200).send({ duplicate: true, id: delivery.id });
      }
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      count('store_unavailable');
      request.log.error({ ...about, err: error }, 'store unavailable; asking the forge to retry');
      return sendError(reply.header('retry-after', '5'), 'BK_STORE_UNAVAILABLE');
    }
    // The worker logs each delivery at info when it is processed; "stored" is for debugging intake.
    request.log.debug(about, 'delivery stored');
    options.onStored?.();
    return reply.code(202).send({ queued: true, id: delivery.id });
  });
};
