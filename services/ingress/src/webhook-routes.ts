import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { explodeWebhook } from '@wabus/events';
import { ownerOfBody } from '@wabus/tenants';
import { IngressError } from './errors.ts';
import type { IngressMetrics } from './metrics.ts';
import type { Disposition, Publisher } from './publisher.ts';
import { storeDelivery, type StoreDeliveryOptions } from './store-delivery.ts';
import { verifySignature } from './signature.ts';
import type { SigningKeys } from './signing-keys.ts';

export interface WebhookRoutesOptions {
  /** The secrets, verify tokens and tenants in force (reloaded on SIGHUP: read per request). */
  keys: () => SigningKeys;
  ackTimeoutMs: number;
  publisher: Publisher;
  /** Without it, every failure to store is a 503 (tests with stand-in publishers). */
  refusals?: Omit<StoreDeliveryOptions, 'publisher' | 'onRefused'>;
  metrics: IngressMetrics;
  now: () => number;
}

const SIGNATURE_ERRORS = {
  missing: 'WABUS_INGRESS_SIGNATURE_MISSING',
  malformed: 'WABUS_INGRESS_SIGNATURE_MALFORMED',
  mismatch: 'WABUS_INGRESS_SIGNATURE_MISMATCH',
} as const;

/** GET /webhook (Meta's verification handshake) and POST /webhook (signed event deliveries). */
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, opts) => {
  // What Kafka refused for good is counted by kind and topic, and logged at error: an operator raises a limit or
  // fixes a grant (docs/limits.md). Without the topics, nothing is recognised as refused: every failure is a 503.
  const store: StoreDeliveryOptions = {
    publisher: opts.publisher,
    rawTopic: opts.refusals?.rawTopic ?? '',
    eventsTopic: opts.refusals?.eventsTopic ?? '',
    rawBatchLimit: opts.refusals?.rawBatchLimit ?? (async () => undefined),
    onRefused: ({ kind, topic, err }) => {
      opts.metrics.produceRefused.inc({ kind, topic });
      // No stack: where it was refused is in the code and the details (a limit, the broker's error ids).
      app.log.error({ code: err.code, kind, topic, detail: err.message, details: err.details }, 'Kafka refused records of a webhook for good');
    },
  };

  app.get('/webhook', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const mode = q['hub.mode'];
    const token = q['hub.verify_token'];
    const challenge = q['hub.challenge'];
    if (typeof mode !== 'string' || typeof token !== 'string' || typeof challenge !== 'string') {
      request.wabus.outcome = 'handshake_refused';
      throw new IngressError('WABUS_INGRESS_HANDSHAKE_PARAMS');
    }
    if (mode !== 'subscribe' || !opts.keys().verifyTokens.some((expected) => sameToken(token, expected))) {
      request.wabus.outcome = 'handshake_refused';
      throw new IngressError('WABUS_INGRESS_HANDSHAKE_REFUSED');
    }
    request.wabus.outcome = 'handshake_ok';
    // The challenge is opaque (one Meta page says int, another string): echo it byte for byte, never parse it.
    return reply.type('text/plain; charset=utf-8').send(challenge);
  });

  app.post('/webhook', async (request, reply) => {
    const receivedAt = opts.now();
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const keys = opts.keys();
    const sig = verifySignature(request.headers['x-hub-signature-256'], body, keys.secrets);
    if (!sig.ok) {
      request.wabus.outcome = 'bad_signature';
      throw new IngressError(SIGNATURE_ERRORS[sig.reason]);
    }
    request.wabus.secret = sig.secretLabel;

    const exploded = explodeWebhook(body, { receivedAt });
    const deliveryId = exploded.deliveryId;
    request.wabus.deliveryId = deliveryId;
    let disposition: Disposition;
    let tenantIds = [...sig.secret.tenantIds].sort();
    if (!exploded.ok) disposition = { kind: 'quarantined', reason: exploded.reason, detail: exploded.detail };
    else {
      // Whose it is: a body naming a WABA or number its signer does not own is kept on the raw topic, never turned
      // into events (docs/tenants.md).
      const owner = ownerOfBody(keys.tenants, sig.secret.tenantIds, exploded.events);
      if (!owner.ok) disposition = { kind: 'quarantined', reason: owner.reason, detail: owner.detail };
      else {
        exploded.events.forEach((e, i) => (e.tenantId = owner.tenantIds[i]!));
        tenantIds = [...new Set(owner.tenantIds)].sort();
        disposition = { kind: 'accepted', events: exploded.events };
      }
    }
    const produceStart = performance.now();
    const delivery = { deliveryId, body, receivedAt, secretLabel: sig.secretLabel, tenantIds };
    // INGRESS_ACK_TIMEOUT_MS is how long Kafka gets, from now: verifying and exploding a large body (a 3 MiB history
    // sync: ~0.35 s of CPU, seconds on a starved machine) is not time Kafka was waited for (issue 14).
    const deadline = opts.now() + opts.ackTimeoutMs;
    try {
      disposition = await storeDelivery(store, delivery, disposition, deadline, request.wabus.traceContext);
    } catch (cause) {
      request.wabus.outcome = 'unavailable';
      throw new IngressError('WABUS_INGRESS_UNAVAILABLE', { cause });
    }
    opts.metrics.produceDuration.observe((performance.now() - produceStart) / 1000);
    if (disposition.kind === 'accepted') {
      request.wabus.items = disposition.events.length;
      request.wabus.customers = disposition.events.map((e) => e.customerId);
    } else {
      request.wabus.quarantine = { reason: disposition.reason, detail: disposition.detail };
    }

    if (disposition.kind === 'accepted') {
      request.wabus.outcome = 'accepted';
      opts.metrics.itemsPerBody.observe(disposition.events.length);
      // Signed, owned and stored: only now does the body count for its sources (tenant, WABA).
      opts.metrics.sources.accepted(keys.tenants, disposition.events, receivedAt);
      return reply.send({ deliveryId, disposition: 'accepted', events: disposition.events.length });
    }
    // Signed but not a webhook envelope: kept on the raw topic and answered 200, so Meta does not retry it for
    // seven days; the quarantine is visible in logs, metrics and the record's headers.
    request.wabus.outcome = 'quarantined';
    opts.metrics.quarantined.inc({ reason: disposition.reason });
    return reply.send({ deliveryId, disposition: 'quarantined', reason: disposition.reason });
  });
};

function sameToken(given: string, expected: string): boolean {
  // Hash both sides so the comparison is constant-time whatever their lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
