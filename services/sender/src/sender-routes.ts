import { SpanStatusCode, trace, context as otelContext } from '@opentelemetry/api';
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import type { Collection } from 'mongodb';
import { listLedger, parseLedgerQuery } from '@wabus/graph-send';
import { injectSpanContext } from '@wabus/telemetry';
import type { Tenants } from '@wabus/tenants';
import { decideSend } from './decide-send.ts';
import { decideTemplate } from './decide-template.ts';
import { SenderError } from './errors.ts';
import { executeSend, type SendExecutorDeps } from './execute-send.ts';
import { graphRequestOf } from './graph-body.ts';
import { parseSend } from './parse-send.ts';
import type { PeerReads } from './peer-reads.ts';
import type { SendPublisher } from './publish-sends.ts';
import type { SenderObserver } from './sender-metrics.ts';
import { customerOf, type SendCommand } from './send-command.ts';
import { sendView, type SendDoc } from './sends.ts';

export interface SenderRoutesOptions {
  sends: Collection<SendDoc>;
  executor: SendExecutorDeps & { observer: SenderObserver };
  tenants: () => Tenants;
  /** A tenant's Graph token (its own, or the environment's). */
  accessTokenOf: (tenantId: string) => string;
  apiVersion: string;
  peers: PeerReads;
  publisher: SendPublisher;
  now: () => number;
}

const tracer = trace.getTracer('wabus-sender');

// Printable ASCII without spaces at the ends, as Stripe's and the IETF draft's keys are used.
const KEY = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;

/**
 * POST /v1/messages (one send per business number and Idempotency-Key); GET /v1/messages/:id (the send and its
 * status); GET /v1/messages?state=&limit= (the sends in a state).
 */
export const senderRoutes: FastifyPluginAsync<SenderRoutesOptions> = async (app, o) => {
  // Every refusal, by its code (SenderError's, fastify's own for a body that is not JSON): counted, then answered.
  app.addHook('onError', async (req, _reply, err) => {
    if (req.method === 'POST') o.executor.observer.rejected?.(String((err as { code?: unknown }).code ?? 'internal'));
  });

  /** A template whose known status is not APPROVED is refused before anything is recorded: the key stays free. */
  async function checkTemplate(log: FastifyBaseLogger, tenantId: string, command: SendCommand, t: { name: string; language: string }): Promise<void> {
    const known = await o.peers.templateOf(tenantId, command.phoneNumberId, t.name, t.language).catch((err: unknown) => {
      log.warn({ err }, 'template check failed');
      throw new SenderError('WABUS_SENDER_TEMPLATE_STATUS_UNKNOWN', { param: 'template.name' });
    });
    const decision = decideTemplate(command, known);
    if (!decision.send)
      throw new SenderError('WABUS_SENDER_TEMPLATE_NOT_APPROVED', {
        param: 'template.name',
        message: `template ${t.name} (${t.language}) is ${decision.status}, not APPROVED; nothing was sent`,
      });
  }

  app.post('/v1/messages', async (req, reply) => {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || !KEY.test(key)) throw new SenderError('WABUS_SENDER_IDEMPOTENCY_KEY_REQUIRED', { param: 'Idempotency-Key' });
    const command = parseSend(req.body);
    const owner = o.tenants().ownerOfNumber(command.phoneNumberId);
    if (owner === undefined || (command.tenantId !== null && command.tenantId !== owner.id))
      throw new SenderError('WABUS_SENDER_UNKNOWN_NUMBER', {
        param: 'phoneNumberId',
        message: `no tenant${command.tenantId === null ? '' : ` ${command.tenantId}`} owns ${command.phoneNumberId}`,
      });
    const customer = customerOf(command);
    if (customer !== null) {
      const window = await o.peers.windowOf(owner.id, command.phoneNumberId, customer).catch((err: unknown) => {
        req.log.warn({ err }, 'window check failed');
        throw new SenderError('WABUS_SENDER_WINDOW_UNKNOWN');
      });
      const decision = decideSend(command, window, o.now());
      if (!decision.send) throw new SenderError('WABUS_SENDER_OUTSIDE_WINDOW', { param: 'type' });
    }
    if (command.kind === 'message' && command.message.type === 'template') await checkTemplate(req.log, owner.id, command, command.message);
    // The send's span: the Graph call (and, through the stand-in or a proxy that keeps `traceparent`, its status
    // webhooks) and the send's event on Kafka carry its context.
    const span = tracer.startSpan('whatsapp.send', { attributes: { 'wabus.phone_number_id': command.phoneNumberId, 'wabus.send.type': command.kind } });
    let sent: Awaited<ReturnType<typeof executeSend>>;
    try {
      sent = await otelContext.with(trace.setSpan(otelContext.active(), span), () =>
        executeSend(o.executor, {
          command,
          tenantId: owner.id,
          idempotencyKey: key,
          request: graphRequestOf(o.apiVersion, command),
          accessToken: o.accessTokenOf(owner.id),
        }),
      );
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message }).end();
      throw err;
    }
    const { doc, replayed } = sent;
    if (replayed) o.executor.observer.replayed?.();
    else
      o.executor.observer.completed?.(
        doc.state,
        doc.state === 'failed' ? String(doc.error?.code ?? '') : doc.state === 'unknown' ? (doc.unknown?.reason ?? '') : '',
      );
    span.setAttributes({ 'wabus.send.id': doc._id, 'wabus.send.state': doc.state, 'wabus.send.replayed': replayed });
    if (doc.state === 'failed' || doc.state === 'unknown') span.setStatus({ code: SpanStatusCode.ERROR, message: doc.state });
    span.end();
    // The request that made the send appends its event; replays leave it to that one (or to the sweep, if it failed).
    if (!replayed && doc.state !== 'pending') {
      const headers: Record<string, string> = {};
      injectSpanContext(span, headers);
      await o.publisher.publish(doc, headers);
    }
    if (replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(replayed ? 200 : 201).send(sendView(doc));
  });

  // The sends in one state, newest first: `?state=unknown` lists those a person must look at.
  app.get('/v1/messages', async (req) => {
    const query = parseLedgerQuery(req.query as Record<string, unknown>, (param, message) => new SenderError('WABUS_SENDER_BAD_PARAM', { param, message }));
    const { state, count, entries } = await listLedger(o.sends, query);
    return { state, count, sends: entries.map(sendView) };
  });

  app.get<{ Params: { id: string } }>('/v1/messages/:id', async (req) => {
    const doc = await o.sends.findOne({ _id: req.params.id });
    if (doc === null) throw new SenderError('WABUS_SENDER_NOT_FOUND', { param: 'id' });
    const wamid = doc.reply?.wamid;
    const status =
      wamid === undefined
        ? null
        : await o.peers.statusOf(doc.tenantId, wamid).catch((err: unknown) => {
            req.log.warn({ err, wamid }, 'status read failed');
            return { unavailable: true };
          });
    return { ...sendView(doc), status };
  });
};
