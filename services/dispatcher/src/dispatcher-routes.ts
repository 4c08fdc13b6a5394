import type { FastifyPluginAsync } from 'fastify';
import type { EndpointWorkers } from './endpoint-workers.ts';
import { redeliver, type Delivery, type DeliveryQueues, type DeliveryStatus } from './delivery-queue.ts';
import { DispatcherError } from './errors.ts';
import { checkSubscription, type Subscription } from './subscription.ts';
import type { SubscriptionSet } from './subscription-store.ts';

const STATUSES: DeliveryStatus[] = ['pending', 'sending', 'delivered', 'dead', 'unknown', 'cancelled'];

/** A subscription as the API shows it: never its secret. */
function view(sub: Subscription, workers: EndpointWorkers) {
  const { target } = sub;
  const shown = target.type === 'webhook' ? { type: target.type, url: target.url, secretSet: true } : target;
  const b = workers.breaker(sub.id);
  return {
    ...sub,
    target: shown,
    breaker:
      b === undefined
        ? null
        : { state: b.state, consecutiveFailures: b.consecutiveFailures, pausedUntil: b.state === 'open' ? new Date(b.until).toISOString() : null },
  };
}

/**
 * The subscriptions API (file subscriptions are read-only here) and the deliveries: per subscription by status
 * (`status=dead` is the endpoint's dead-letter queue), one by id, and an operator's redelivery.
 */
export function dispatcherRoutes(o: { subs: SubscriptionSet; workers: EndpointWorkers; queues: DeliveryQueues; smtp: boolean }): FastifyPluginAsync {
  /** A delivery by id, in the queue of whichever current subscription holds it. */
  const findDelivery = async (id: string): Promise<Delivery | null> => {
    for (const sub of o.subs.list()) {
      const d = await (await o.queues.of(sub.id)).findOne({ _id: id });
      if (d !== null) return d;
    }
    return null;
  };
  return async (app) => {
    const known = (id: string) => {
      const sub = o.subs.get(id);
      if (sub === undefined) throw new DispatcherError('WABUS_DISPATCHER_NOT_FOUND', { message: `no subscription ${JSON.stringify(id)}`, param: 'id' });
      return sub;
    };
    app.get('/v1/subscriptions', async () => ({ subscriptions: o.subs.list().map((s) => view(s, o.workers)) }));
    app.get<{ Params: { id: string } }>('/v1/subscriptions/:id', async (req) => view(known(req.params.id), o.workers));
    app.put<{ Params: { id: string }; Body: unknown }>('/v1/subscriptions/:id', async (req, reply) => {
      const body = req.body;
      const withId = typeof body === 'object' && body !== null && !Array.isArray(body) ? { id: req.params.id, ...body } : body;
      const r = checkSubscription(withId, 'api');
      if (!r.ok)
        throw new DispatcherError('WABUS_DISPATCHER_BAD_SUBSCRIPTION', {
          message: r.problems.map((p) => `${p.param}: ${p.message}`).join('; '),
          param: r.problems[0]!.param,
        });
      if (r.value.id !== req.params.id) throw new DispatcherError('WABUS_DISPATCHER_BAD_SUBSCRIPTION', { message: 'id: differs from the path', param: 'id' });
      if (o.subs.get(r.value.id)?.source === 'file') throw new DispatcherError('WABUS_DISPATCHER_READ_ONLY', { param: 'id' });
      if (r.value.target.type === 'email' && !o.smtp) throw new DispatcherError('WABUS_DISPATCHER_NO_SMTP', { param: 'target.type' });
      const existed = o.subs.get(r.value.id) !== undefined;
      await o.subs.put(r.value);
      return reply.code(existed ? 200 : 201).send(view(o.subs.get(r.value.id)!, o.workers));
    });
    app.delete<{ Params: { id: string } }>('/v1/subscriptions/:id', async (req, reply) => {
      if (known(req.params.id).source === 'file') throw new DispatcherError('WABUS_DISPATCHER_READ_ONLY', { param: 'id' });
      await o.subs.remove(req.params.id);
      return reply.code(204).send();
    });
    app.get<{ Params: { id: string }; Querystring: { status?: string; limit?: string; after?: string } }>('/v1/subscriptions/:id/deliveries', async (req) => {
      const { status, limit = '100', after } = req.query;
      if (status !== undefined && !STATUSES.includes(status as DeliveryStatus))
        throw new DispatcherError('WABUS_DISPATCHER_BAD_PARAM', { message: `status: one of ${STATUSES.join(', ')}`, param: 'status' });
      const n = Number(limit);
      if (!Number.isInteger(n) || n < 1 || n > 1000)
        throw new DispatcherError('WABUS_DISPATCHER_BAD_PARAM', { message: 'limit: an integer from 1 to 1000', param: 'limit' });
      const queue = await o.queues.of(known(req.params.id).id);
      const docs = await queue
        .find({
          ...(status === undefined ? {} : { status: status as DeliveryStatus }),
          ...(after === undefined ? {} : { order: { $gt: after } }),
        })
        .sort({ order: 1 })
        .limit(n)
        .toArray();
      return { deliveries: docs, next: docs.length === n ? docs[docs.length - 1]!.order : null };
    });
    app.get<{ Params: { id: string } }>('/v1/deliveries/:id', async (req) => {
      const d = await findDelivery(req.params.id);
      if (d === null) throw new DispatcherError('WABUS_DISPATCHER_NOT_FOUND', { message: `no delivery ${JSON.stringify(req.params.id)}`, param: 'id' });
      return d;
    });
    app.post<{ Params: { id: string } }>('/v1/deliveries/:id/redeliver', async (req) => {
      const found = await findDelivery(req.params.id);
      const queue = found === null ? null : await o.queues.of(found.subscriptionId);
      if (queue === null || !(await redeliver(queue, req.params.id, new Date()))) {
        throw new DispatcherError('WABUS_DISPATCHER_NOT_FOUND', { message: `no dead or unknown delivery ${JSON.stringify(req.params.id)}`, param: 'id' });
      }
      const d = (await queue.findOne({ _id: req.params.id }))!;
      o.workers.wake([d.subscriptionId]);
      return d;
    });
  };
}
