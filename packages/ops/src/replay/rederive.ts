import { randomUUID } from 'node:crypto';
import type { KafkaClient as Kafka } from '@wabus/kafka';
import { createChunkAssembler, encodeEvent, eventRecord, explodeWebhook, RECORD_HEADERS, type EventRecord, type WhatsAppEvent } from '@wabus/events';
import { OWNERSHIP_REASONS, ownerOfBody, tenantOfEvent, type Tenants } from '@wabus/tenants';
import { batchLimits, createProducer, readTopicLimits, REPLAY_HEADER } from '@wabus/kafka';
import { connectAdmin, requireTopics } from '../kafka-admin.ts';
import { scanTopics } from '../scan-topics.ts';
import { partitionBounds, resolveStart } from './positions.ts';

const TENANT_REASONS: ReadonlySet<string> = new Set(OWNERSHIP_REASONS);

export interface RederiveOptions {
  rawTopic: string;
  eventsTopic: string;
  /** Raw records appended at or after this time (epoch ms)… */
  sinceMs: number;
  /** …and before this one (default: now). */
  untilMs?: number;
  /** Produce only events whose id is not on the events topic yet (found by reading it over the same time range). */
  onlyMissing?: boolean;
  /** Mark the produced records as a replay (`wabus-replay` header): auto-reply and crm-sync cause no effects for them. */
  asReplay?: boolean;
  execute?: boolean;
  id?: string;
  timeoutMs?: number;
  /**
   * The tenants file in force (`--tenants-file`): ownership is checked again as ingress checks it, with the signer
   * ingress recorded (`wabus-tenant`). Bodies quarantined for what they named become events when the file now says
   * their signer owns it (a number added late); accepted bodies get each item's owner (also for bodies of several
   * tenants), and ones the file no longer gives to their signer are left out, counted as quarantined. Records from
   * before tenants (no signer recorded) get their items' owners. Without it, the tenant recorded is kept and
   * ownership quarantines stay.
   */
  tenants?: Tenants;
  /** Records read (of the raw and events topics' ranges) and produced, as the run goes. */
  onProgress?: (phase: 'read' | 'produce', done: number, total: number) => void;
}

export interface RederiveReport {
  id: string;
  /** Bodies read: whole raw records, and bodies put together from their pieces (docs/limits.md). */
  rawRecords: number;
  /** Raw records that were pieces of a body too large for the raw topic; bodies whose pieces are not all in the range. */
  pieces: number;
  incomplete: number;
  /** Raw records the current parser accepts, and the events they yield. */
  accepted: number;
  events: number;
  /** Raw records that are still quarantined (the reason counts). */
  quarantined: Record<string, number>;
  /** Raw records ingress had quarantined that the current parser accepts. */
  nowAccepted: number;
  /** Raw records whose key (delivery id) is not the body's hash: produced by something else, left alone. */
  foreign: number;
  /** Events derived more than once (a body delivered several times): produced once. */
  repeated: number;
  /** Of the derived events, how many are already on the events topic (by event id). */
  alreadyOnTopic: number;
  missing: number;
  produced: number;
  executed: boolean;
}

/**
 * Rebuilds `whatsapp.events.v1` records from `whatsapp.webhooks.raw.v1` for a time range, with the parser as it is
 * now: the raw body and its receipt time give the same delivery id and the same deterministic event ids, so
 * consumers deduplicate what they already had and apply only what the old parser missed. Dry run unless `execute`.
 */
export async function rederiveEvents(kafka: Kafka, o: RederiveOptions): Promise<RederiveReport> {
  const id = o.id ?? `rederive-${randomUUID().slice(0, 8)}`;
  const untilMs = o.untilMs ?? Date.now();
  const admin = await connectAdmin(kafka);
  const derived: EventRecord[] = [];
  const report: RederiveReport = {
    id,
    rawRecords: 0,
    pieces: 0,
    incomplete: 0,
    repeated: 0,
    accepted: 0,
    events: 0,
    quarantined: {},
    nowAccepted: 0,
    foreign: 0,
    alreadyOnTopic: 0,
    missing: 0,
    produced: 0,
    executed: false,
  };
  const onTopic = new Set<string>();
  const derivedIds = new Set<string>();
  const assembler = createChunkAssembler();
  let eventLimits: Record<string, number> = {};
  let read = 0;
  let toRead = 0;
  /**
   * The tenant of each event. With a tenants file: ownership checked again (see `tenants`). Without: the one tenant
   * ingress recorded; a body of several tenants' items leaves it to each consumer's tenants file (tenantOfEvent), as
   * for records from before tenants.
   */
  const tenantsOf = (
    events: readonly WhatsAppEvent[],
    recorded: readonly string[],
  ): { ok: true; tenantIds: (string | null)[] } | { ok: false; reason: string } => {
    if (o.tenants === undefined) return { ok: true, tenantIds: events.map(() => (recorded.length === 1 ? recorded[0]! : null)) };
    const tenants = o.tenants;
    if (recorded.length === 0) return { ok: true, tenantIds: events.map((e) => tenantOfEvent(tenants, { ...e, tenantId: null })) };
    return ownerOfBody(tenants, new Set(recorded), events);
  };
  const tick = () => {
    read++;
    if (read % 500 === 0) o.onProgress?.('read', read, toRead);
  };
  try {
    await requireTopics(admin, [o.rawTopic, o.eventsTopic]);
    for (const topic of [o.rawTopic, o.eventsTopic]) {
      const bounds = await partitionBounds(admin, topic);
      const starts = await resolveStart(admin, topic, { kind: 'time', ms: o.sinceMs }, bounds);
      for (const b of bounds) toRead += Number(b.high - (starts.get(b.partition) ?? b.high));
    }
    await scanTopics(
      kafka,
      admin,
      [{ topic: o.rawTopic, sinceMs: o.sinceMs }],
      (r) => {
        tick();
        if (Number(r.timestamp) >= untilMs || r.value === null) return;
        // A body the raw topic could not take whole is in pieces, in order on one partition: derived once complete.
        if (r.headers[RECORD_HEADERS.chunk] !== undefined) report.pieces++;
        const assembled = assembler.add(r);
        if (assembled.kind === 'pending') return;
        if (assembled.kind === 'bad') {
          report.quarantined['bad_pieces'] = (report.quarantined['bad_pieces'] ?? 0) + 1;
          return;
        }
        const body = assembled.body;
        report.rawRecords++;
        const receivedAt = Number(r.headers[RECORD_HEADERS.receivedAt] ?? r.timestamp);
        // Quarantined for whom it names (another tenant's number, or nobody's), not for how it is written: no code
        // change makes those events; only the tenants file can (docs/tenants.md).
        const reason = r.headers[RECORD_HEADERS.quarantineReason];
        const quarantined = r.headers[RECORD_HEADERS.disposition] === 'quarantined';
        if (quarantined && reason !== undefined && TENANT_REASONS.has(reason) && o.tenants === undefined) {
          report.quarantined[reason] = (report.quarantined[reason] ?? 0) + 1;
          return;
        }
        const exploded = explodeWebhook(body, { receivedAt });
        if (r.key !== null && r.key !== exploded.deliveryId) {
          report.foreign++;
          return;
        }
        if (!exploded.ok) {
          report.quarantined[exploded.reason] = (report.quarantined[exploded.reason] ?? 0) + 1;
          return;
        }
        const recorded = (r.headers[RECORD_HEADERS.tenant] ?? '').split(',').filter((t) => t !== '');
        const owners = tenantsOf(exploded.events, recorded);
        if (!owners.ok) {
          report.quarantined[owners.reason] = (report.quarantined[owners.reason] ?? 0) + 1;
          return;
        }
        report.accepted++;
        if (quarantined) report.nowAccepted++;
        exploded.events.forEach((e, i) => {
          if (derivedIds.has(e.eventId)) return void report.repeated++;
          derivedIds.add(e.eventId);
          derived.push(eventRecord({ ...e, tenantId: owners.tenantIds[i]! }, exploded.deliveryId, receivedAt, encodeEvent));
        });
      },
      o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {},
    );
    // Event records carry their webhook's receipt time, so the same time range finds them.
    await scanTopics(
      kafka,
      admin,
      [{ topic: o.eventsTopic, sinceMs: o.sinceMs }],
      (r) => {
        tick();
        const eventId = r.headers[RECORD_HEADERS.eventId];
        if (eventId !== undefined) onTopic.add(eventId);
      },
      o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {},
    );
    report.incomplete = assembler.pending();
    // Each send within what the events topic takes; an event it still cannot take fails the run, naming it.
    if (o.execute) eventLimits = batchLimits(await readTopicLimits(admin, [o.eventsTopic]));
  } finally {
    await admin.disconnect();
  }
  o.onProgress?.('read', read, toRead);
  report.events = derived.length;
  const missing = derived.filter((r) => !onTopic.has(r.headers[RECORD_HEADERS.eventId]!));
  report.missing = missing.length;
  report.alreadyOnTopic = derived.length - missing.length;
  if (!o.execute) return report;

  const toProduce = o.onlyMissing ? missing : derived;
  const producer = createProducer(kafka, { retries: 'until-delivered', topicLimits: eventLimits });
  try {
    for (let i = 0; i < toProduce.length; i += 1_000) {
      const messages = toProduce.slice(i, i + 1_000).map((r) => ({
        key: r.key,
        value: r.value,
        timestamp: r.timestamp,
        headers: { ...r.headers, [RECORD_HEADERS.rederived]: id, ...(o.asReplay ? { [REPLAY_HEADER]: id } : {}) },
      }));
      await producer.send([{ topic: o.eventsTopic, messages }]);
      report.produced += messages.length;
      o.onProgress?.('produce', report.produced, toProduce.length);
    }
  } finally {
    await producer.close();
  }
  report.executed = true;
  return report;
}
