import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { createConsumerMetrics, startConsumerService, type ConsumerConfig, type ConsumerService } from '@wabus/consumer-service';
import { createDispatchHandler } from './dispatch-handler.ts';
import type { DispatcherConfig } from './dispatcher-config.ts';
import { createDispatchMetrics } from './dispatcher-metrics.ts';
import { dispatcherRoutes } from './dispatcher-routes.ts';
import { deliveryQueues } from './delivery-queue.ts';
import { startEndpointWorkers, type EndpointWorkers } from './endpoint-workers.ts';
import { DispatcherError } from './errors.ts';
import { createSendMail } from './mail-transport.ts';
import { createTransport } from './send-attempt.ts';
import { parseSubscriptionsFile, type Subscription } from './subscription.ts';
import { loadSubscriptionSet, subscriptionsOf } from './subscription-store.ts';
import { conversationsOf } from './unanswered.ts';

export const SERVICE_NAME = 'dispatcher';

export interface DispatcherService extends ConsumerService {
  workers: EndpointWorkers;
}

async function readSubscriptionsFile(path: string): Promise<Subscription[]> {
  if (path === '') return [];
  const text = await readFile(path, 'utf8').catch((err: Error) => {
    throw new DispatcherError('WABUS_DISPATCHER_BAD_SUBSCRIPTIONS_FILE', { message: `${path}: ${err.message}`, param: path, cause: err });
  });
  return parseSubscriptionsFile(text, path);
}

/**
 * The dispatcher: the consumer fills a durable per-endpoint queue (`deliveries`), one worker per endpoint drains
 * it, the API manages subscriptions and shows deliveries. main.ts and the tests both start it through here.
 */
export async function startDispatcher(o: {
  consumer: ConsumerConfig;
  dispatcher: DispatcherConfig;
  logger: Logger;
  defaultMetrics?: boolean;
}): Promise<DispatcherService> {
  const c = o.dispatcher;
  const fromFile = await readSubscriptionsFile(c.subscriptionsFile);
  if (c.smtpUrl === '' && fromFile.some((s) => s.target.type === 'email')) {
    throw new DispatcherError('WABUS_DISPATCHER_BAD_SUBSCRIPTIONS_FILE', {
      message: `${c.subscriptionsFile}: e-mail targets need DISPATCHER_SMTP_URL`,
      param: 'DISPATCHER_SMTP_URL',
    });
  }
  const metrics = createConsumerMetrics(SERVICE_NAME, { defaultMetrics: o.defaultMetrics ?? false });
  const observer = createDispatchMetrics(metrics.registry);
  const sendMail = c.smtpUrl === '' ? null : createSendMail(c.smtpUrl, c.timeoutMs);
  let workers: EndpointWorkers | undefined;
  let refresh: NodeJS.Timeout | undefined;
  let routes: ReturnType<typeof dispatcherRoutes> | undefined;
  const service = await startConsumerService({
    name: SERVICE_NAME,
    config: o.consumer,
    logger: o.logger,
    registry: metrics.registry,
    observer: metrics.observer,
    handler: async (db) => {
      const queues = deliveryQueues(db);
      const conversations = conversationsOf(db);
      const w = startEndpointWorkers({
        queues,
        conversations,
        transport: createTransport({ timeoutMs: c.timeoutMs, sendMail, now: Date.now }),
        retry: { maxAttempts: c.maxAttempts, initialMs: c.backoffInitialMs, maxMs: c.backoffMaxMs },
        breaker: { failures: c.breakerFailures, pauseMs: c.breakerPauseMs, maxPauseMs: c.breakerMaxPauseMs },
        concurrency: c.concurrency,
        leaseMs: c.leaseMs,
        retentionMs: c.retentionMs,
        pollMs: c.pollMs,
        now: Date.now,
        random: Math.random,
        observer,
        log: o.logger.child({ component: 'endpoints' }),
      });
      workers = w;
      const subs = await loadSubscriptionSet(subscriptionsOf(db), fromFile, (list) => w.sync(list));
      refresh = setInterval(() => subs.refresh().catch((err: unknown) => o.logger.error({ err }, 'subscriptions refresh failed')), c.refreshMs);
      refresh.unref();
      routes = dispatcherRoutes({ subs, workers: w, queues, smtp: sendMail !== null });
      return createDispatchHandler({
        queues,
        conversations,
        subscriptions: subs.list,
        allowReplay: c.allowReplay,
        now: () => new Date(),
        enqueued: (ids) => w.wake(ids),
      });
    },
    routes: async (app) => {
      await app.register(routes!);
    },
  });
  return {
    ...service,
    workers: workers!,
    async stop() {
      clearInterval(refresh);
      await Promise.all([service.runtime.stop(), service.redrive?.stop(), workers?.stop()]);
      sendMail?.close();
      await service.stop();
    },
  };
}
