import os from 'node:os';
import type { Check, SectionReport, Table } from '../section.ts';
import type { Backlog } from './backlog.ts';
import type { DrainResult } from './drain.ts';
import type { E2EResult, Visible } from './e2e.ts';
import { MAX_BATCH, PARTITIONS_CONCURRENTLY, type ConsumerName } from './processes.ts';

export interface ServiceCounters {
  applied: number | undefined;
  duplicates: number | undefined;
  deadLettered: number;
}

export interface DrainRun {
  consumer: ConsumerName;
  /** The store the consumer wrote to (the ceiling writes nothing). */
  store: string;
  backlog: Backlog;
  drain: DrainResult;
  /** The service's own counters after the drain (GET /metrics); none for the ceiling. */
  metrics: ServiceCounters | undefined;
  /** Documents the service holds after the drain (messages received / statuses); none for the ceiling. */
  documents: number | undefined;
  exitCode: number | null;
}

/** The same service draining the same backlog again, after `wabus replay reset --from 0` (a replay mark per partition). */
export interface ReplayRun {
  consumer: ConsumerName;
  store: string;
  first: DrainResult;
  replay: DrainResult;
  /** Deduplicated events counted by the service in the replay (all of them, when the data was right). */
  duplicates: number | undefined;
  /** The database's digest after the replay equals the one before it. */
  identical: boolean;
}

export interface E2ERun {
  result: E2EResult;
  /** % of one core over the measured phase, by process. */
  cpu: Record<string, number | undefined>;
  metrics: Record<Visible, ServiceCounters>;
  peakRss: Record<string, number | undefined>;
  /** Records on the e2e events topic at the end (warm-up included). */
  events: number;
  exits: Record<string, number | null>;
  /** 1-minute load average just before the measured phase. */
  loadBefore: number;
}

export interface ConsumerPhasesView {
  backlogEvents: number;
  drainPollMs: number;
  rate: number;
  warmupMs: number;
  e2eMs: number;
  sampleEvery: number;
  probePollMs: number;
  probeTimeoutMs: number;
}

const TARGET_RATE = 5_000;
const TARGET_P99_MS = 250;

const int = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? 'n/a' : Math.round(n).toLocaleString('en-US'));
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
const pct = (n: number | undefined) => (n === undefined ? 'n/a' : `${n.toFixed(0)} %`);
const mib = (n: number | undefined) => (n === undefined ? 'n/a' : n.toFixed(0));
const sec = (n: number) => (n / 1000).toFixed(n < 10_000 ? 2 : 1);
const share = (n: number, of: number) => `${((100 * n) / of).toFixed(0)} %`;

function mix(b: Backlog, top: number): string {
  const entries = Object.entries(b.byType).sort((x, y) => y[1] - x[1]);
  const shown = entries.slice(0, top).map(([type, n]) => `${type} ${share(n, b.produced)}`);
  const rest = entries.slice(top).reduce((a, [, n]) => a + n, 0);
  return `${shown.join(', ')}${rest > 0 ? `, ${entries.length - top} other types ${share(rest, b.produced)}` : ''}`;
}

function worstSecond(res: E2EResult): string {
  const worst = (pick: (s: E2EResult['timeline'][number]) => number) =>
    res.timeline.reduce<E2EResult['timeline'][number] | undefined>((w, s) => (w === undefined || pick(s) > pick(w) ? s : w), undefined);
  const post = worst((s) => s.postP99);
  const ms1 = worst((s) => s.visibleP99['message-store']);
  const st1 = worst((s) => s.visibleP99['status-tracker']);
  if (post === undefined || ms1 === undefined || st1 === undefined) return '';
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return (
    `Per second of the phase, the worst p99s were: POST ${ms(post.postP99)} ms (second ${post.second}), message-store ` +
    `${ms(ms1.visibleP99['message-store'])} ms (second ${ms1.second}), status-tracker ${ms(st1.visibleP99['status-tracker'])} ms ` +
    `(second ${st1.second}); the median second's p99s: POST ${ms(median(res.timeline.map((s) => s.postP99)))} ms, message-store ` +
    `${ms(median(res.timeline.map((s) => s.visibleP99['message-store'])))} ms, status-tracker ` +
    `${ms(median(res.timeline.map((s) => s.visibleP99['status-tracker'])))} ms.`
  );
}

/** CPU per event from the backlog (big chunks) against end to end at a fixed rate (a few records per fetch). */
function cpuPerEvent(drains: DrainRun[], e2e: E2ERun, phases: ConsumerPhasesView): string {
  const us = (cpuPct: number | undefined, perSecond: number) => (cpuPct === undefined || !(perSecond > 0) ? undefined : ((cpuPct / 100) * 1e6) / perSecond);
  const fmt = (v: number | undefined) => (v === undefined ? 'n/a' : `${int(v)} µs`);
  const backlog = (c: ConsumerName) => {
    const r = drains.find((d) => d.consumer === c);
    return r === undefined ? undefined : us(r.drain.consumerCpuPct, r.drain.eventsPerSecond);
  };
  const perSecond = e2e.result.post.accepted / (phases.e2eMs / 1000);
  const live = (c: Visible) => us(e2e.cpu[c], perSecond);
  const pairs = (['message-store', 'status-tracker'] as const).map((c) => ({ c, b: backlog(c), l: live(c) }));
  const far = pairs.every((x) => x.b !== undefined && x.l !== undefined && x.l > 2 * x.b);
  return (
    `**CPU per event.** From the backlog: ${pairs.map((x) => `${x.c} ${fmt(x.b)}`).join(', ')} of CPU per event ` +
    `(the ceiling ${fmt(backlog('ceiling'))}). End to end at ${int(perSecond)} events/s on the topic (each service reads every event and ` +
    `skips the other's kinds): ${pairs.map((x) => `${x.c} ${fmt(x.l)}`).join(', ')} per event on the topic.` +
    (far
      ? ' At a fixed rate each fetch brings a few records per partition, so a store round trip and an offset commit are paid per few ' +
        `records instead of per ${MAX_BATCH}: the services cost several times more per event than when draining a backlog.`
      : '')
  );
}

/** Each service on each store, as ratios to the first store: the drains and replays above, side by side. */
function storesTable(drains: DrainRun[], replays: ReplayRun[], stores: string[]): Table {
  const [reference = '', ...others] = stores;
  const us = (d: DrainResult | undefined, pick: (d: DrainResult) => number | undefined) => {
    const v = d === undefined ? undefined : pick(d);
    return v === undefined || !(d!.eventsPerSecond > 0) ? 'n/a' : int(((v / 100) * 1e6) / d!.eventsPerSecond);
  };
  const rows: string[][] = [];
  for (const consumer of ['message-store', 'status-tracker'] as const) {
    for (const phase of ['drain', 'replay'] as const) {
      const run = (store: string) =>
        phase === 'drain'
          ? drains.find((d) => d.consumer === consumer && d.store === store)?.drain
          : replays.find((r) => r.consumer === consumer && r.store === store)?.replay;
      const ref = run(reference);
      rows.push([
        `**${consumer}**`,
        phase === 'drain' ? 'first drain' : 'replay from 0',
        ...stores.map((st) => int(run(st)?.eventsPerSecond)),
        ...others.map((st) => {
          const r = run(st);
          return r === undefined || ref === undefined ? 'n/a' : (r.eventsPerSecond / ref.eventsPerSecond).toFixed(2);
        }),
        ...stores.map((st) => us(run(st), (d) => d.consumerCpuPct)),
        ...stores.map((st) => us(run(st), (d) => d.storeCpuPct)),
      ]);
    }
  }
  return {
    caption:
      `**Stores side by side**: the same backlogs drained and replayed by the same services, one store after the other in this run ` +
      `(so the machine's drift between runs cancels out of the ratios). CPU per event is µs of one core per event applied, over the window.`,
    columns: [
      'consumer',
      'run',
      ...stores.map((st) => `${st} events/s`),
      ...others.map((st) => `${st} ÷ ${reference}`),
      ...stores.map((st) => `consumer µs/event, ${st}`),
      ...stores.map((st) => `store µs/event, ${st}`),
    ],
    rows,
  };
}

export function consumersReport(input: {
  phases: ConsumerPhasesView;
  drains: DrainRun[];
  replays: ReplayRun[];
  e2e: E2ERun;
  quick: boolean;
  loadBefore: number;
  kafkaReplaced: boolean;
  /** The bench's own stores, in the order they ran (the first is the reference and the end-to-end store), or MONGODB_URI's. */
  stores: { label: string; memory: string }[] | 'external';
}): SectionReport {
  const { phases, drains, e2e } = input;
  const ceilingOf = (b: Backlog) => drains.find((d) => d.consumer === 'ceiling' && d.backlog.topic === b.topic);
  const label = (c: ConsumerName) => (c === 'ceiling' ? '**ceiling** (bare runtime, no-op handler)' : `**${c}**`);

  const drainTable: Table = {
    caption:
      `**Backlog drain**: ${int(phases.backlogEvents)} events already on a ${12}-partition topic; each consumer started as its own ` +
      `process from offset 0, alone with Kafka and the store; timed from the first GET /v1/lag (polled every ${phases.drainPollMs} ms) ` +
      `that shows a record applied to the first that shows every partition caught up.`,
    columns: [
      'consumer',
      'store',
      'backlog',
      'events/s',
      '× ceiling',
      'window s',
      'spawn → first applied s',
      'consumer CPU',
      'Kafka CPU',
      'store CPU',
      'machine CPU',
      'peak RSS MiB',
    ],
    rows: drains.map((r) => {
      const ceiling = ceilingOf(r.backlog);
      const ratio = ceiling === undefined ? undefined : r.drain.eventsPerSecond / ceiling.drain.eventsPerSecond;
      return [
        label(r.consumer),
        r.consumer === 'ceiling' ? '–' : r.store,
        r.backlog.label === 'message-store' ? 'messages + echoes' : 'statuses',
        int(r.drain.eventsPerSecond),
        ratio === undefined || !Number.isFinite(ratio) ? 'n/a' : ratio.toFixed(2),
        sec(r.drain.windowMs),
        sec(r.drain.startupMs),
        pct(r.drain.consumerCpuPct),
        pct(r.drain.kafkaCpuPct),
        r.consumer === 'ceiling' ? `(not used) ${pct(r.drain.storeCpuPct)}` : pct(r.drain.storeCpuPct),
        pct(r.drain.machineCpuPct),
        mib(r.drain.peakRssMiB),
      ];
    }),
  };

  const res = e2e.result;
  const post = res.post;
  const notOk = post.sent - post.accepted;
  const probeRow = (s: Visible, path: string) => {
    const p = res.probes[s];
    return [
      `**${s}**: ${path} answers 200`,
      int(p.latency.count),
      ms(p.latency.p50),
      ms(p.latency.p90),
      ms(p.latency.p99),
      ms(p.latency.max),
      int(p.notVisible),
    ];
  };
  const e2eTable: Table = {
    caption:
      `**End to end**: ingress, message-store and status-tracker as processes on one events topic; the simulator's runSimulation ` +
      `posting single-item bodies (realistic mix of all kinds) open loop at ${int(phases.rate)} bodies/s for ${sec(phases.e2eMs)} s after a ` +
      `${sec(phases.warmupMs)} s warm-up. Every ${phases.sampleEvery}th message and every ${phases.sampleEvery}th status of a new wamid is ` +
      `followed: once its POST answered 200, GET of its document every ${phases.probePollMs} ms until 200. Latency from the POST's start, ms.`,
    columns: ['from POST start to', 'samples', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', `not visible in ${sec(phases.probeTimeoutMs)} s`],
    rows: [
      [
        'ingress answers 200 (every POST)',
        int(post.latencyMs.count),
        ms(post.latencyMs.p50),
        ms(post.latencyMs.p90),
        ms(post.latencyMs.p99),
        ms(post.latencyMs.max),
        '–',
      ],
      probeRow('message-store', 'GET /v1/messages/:wamid'),
      probeRow('status-tracker', 'GET /v1/statuses/:wamid'),
    ],
  };

  const replayTable: Table = {
    caption:
      `**Replay**: right after its drain, the service stopped, its group's offsets moved back to 0 with a replay mark (what ` +
      '`pnpm wabus replay reset --from 0 --execute` commits), and the service started again on the same database: it re-applies ' +
      'the whole backlog, marked `wabus-replay`, and every event changes nothing. Same timing as the drain.',
    columns: ['consumer', 'store', 'first drain events/s', 'replay events/s', 'replay ÷ first', 'deduplicated in the replay', 'database after = before'],
    rows: input.replays.map((r) => [
      `**${r.consumer}**`,
      r.store,
      int(r.first.eventsPerSecond),
      int(r.replay.eventsPerSecond),
      (r.replay.eventsPerSecond / r.first.eventsPerSecond).toFixed(2),
      int(r.duplicates),
      r.identical ? 'byte-identical' : '**DIFFERENT**',
    ]),
  };

  const checks: Check[] = [];
  const on = (store: string) => (Array.isArray(input.stores) && input.stores.length > 1 ? ` on ${store}` : '');
  for (const r of input.replays) {
    const backlog = drains.find((d) => d.consumer === r.consumer)?.backlog;
    checks.push({
      name: `${r.consumer}${on(r.store)}: a full replay changes nothing`,
      target: `byte-identical, ${int(backlog?.produced)} deduplicated`,
      observed: `${r.identical ? 'byte-identical' : 'different'}, ${int(r.duplicates)} deduplicated`,
      pass: r.identical && r.duplicates === backlog?.produced,
    });
  }
  for (const r of drains.filter((d) => d.consumer !== 'ceiling')) {
    const rate = r.drain.eventsPerSecond;
    checks.push({
      name: `${r.consumer} from a backlog${on(r.store)}`,
      target: `≥ ${int(TARGET_RATE)} events/s`,
      observed: `${int(rate)} events/s`,
      pass: rate >= TARGET_RATE,
    });
  }
  for (const s of ['message-store', 'status-tracker'] as const) {
    const p = res.probes[s];
    checks.push({
      name: `${s}: POST → visible p99 at ${int(phases.rate)} events/s`,
      target: `< ${TARGET_P99_MS} ms`,
      observed: `${ms(p.latency.p99)} ms (${int(p.notVisible)} not visible)`,
      pass: p.latency.count > 0 && p.latency.p99 < TARGET_P99_MS && p.notVisible === 0 && post.skipped === 0 && notOk === 0,
    });
  }
  for (const r of drains.filter((d) => d.consumer !== 'ceiling')) {
    const m = r.metrics;
    const exact = r.documents === r.backlog.distinctIds && m?.deadLettered === 0 && m.applied === r.backlog.produced;
    checks.push({
      name: `${r.consumer} backlog${on(r.store)}: one document per wamid, nothing dead-lettered`,
      target: `${int(r.backlog.distinctIds)} docs, 0 DLQ`,
      observed: `${int(r.documents)} docs, ${int(m?.deadLettered)} DLQ`,
      pass: exact,
    });
  }

  const backlogNote = (b: Backlog) =>
    `the ${b.label} backlog: ${int(b.produced)} events (${int(b.distinctIds)} distinct wamids, ~${int(b.valueBytes / b.produced)} bytes ` +
    `per Avro value; ${mix(b, 5)})`;
  const [msB, stB] = [drains.find((d) => d.consumer === 'message-store')?.backlog, drains.find((d) => d.consumer === 'status-tracker')?.backlog];
  const cpuLine = Object.entries(e2e.cpu)
    .map(([name, v]) => `${name} ${pct(v)}`)
    .join(', ');
  const probeGets = res.probes['message-store'].gets + res.probes['status-tracker'].gets;
  const probeErrors = res.probes['message-store'].getErrors + res.probes['status-tracker'].getErrors;

  const notes: string[] = [];
  const cores = os.availableParallelism();
  const others: string[] = [];
  for (const r of drains) {
    const d = r.drain;
    if (d.machineCpuPct === undefined) continue;
    const ours = (d.consumerCpuPct ?? 0) + (d.kafkaCpuPct ?? 0) + (d.storeCpuPct ?? 0);
    const other = d.machineCpuPct - ours;
    if (other >= 25) others.push(`${r.consumer} (${r.backlog.label} backlog${r.consumer === 'ceiling' ? '' : on(r.store)}) drain ${pct(other)}`);
  }
  const e2eMachine = e2e.cpu['whole machine'];
  if (e2eMachine !== undefined) {
    const ours = Object.entries(e2e.cpu)
      .filter(([n]) => n !== 'whole machine')
      .reduce((a, [, v]) => a + (v ?? 0), 0);
    if (e2eMachine - ours >= 25) others.push(`end to end ${pct(e2eMachine - ours)}`);
  }
  if (others.length > 0) {
    notes.push(
      `**Other work shared the machine**: CPU used by processes outside the bench (whole-machine CPU minus the measured processes, ` +
        `% of one core out of ${cores * 100} %): ${others.join('; ')}. The rows it overlaps are slower than on a quiet machine.`,
    );
  }
  if (input.quick) notes.push('**Quick run** (`--quick`): small backlogs and a short end-to-end phase; indicative only.');
  if (input.kafkaReplaced)
    notes.push('**Disturbed run**: the Kafka process sampled at the start was gone at the end (the shared test broker restarted). Rerun on a quiet machine.');
  for (const r of drains)
    if (r.exitCode !== 0) notes.push(`**${r.consumer}${on(r.store)} did not shut down cleanly** after its drain (exit ${String(r.exitCode)}).`);
  for (const [name, code] of Object.entries(e2e.exits))
    if (code !== 0) notes.push(`**${name} (end to end) did not shut down cleanly** (exit ${String(code)}).`);
  notes.push(
    `**Backlogs.** Each consumer drains a backlog of only the kinds it stores, so every event is work for it: ` +
      [msB, stB]
        .filter((b): b is Backlog => b !== undefined)
        .map(backlogNote)
        .join('; ') +
      `. Generated by the simulator (realistic kind weights, 2,000 customers on 4 business numbers, 20 items per body), exploded ` +
      `with \`explodeWebhook\` as ingress does, keyed by conversation and produced with the idempotent producer before any consumer starts. ` +
      `On the real topic, where about half the events are of the other service's kinds (and cost only a decode and a skip), the ` +
      `events/s per consumer would be higher than here.`,
    `**Ceiling.** \`runConsumer\` from @wabus/kafka in its own process (bench/consumers/ceiling-consumer.ts) with the services' batch ` +
      `settings (${MAX_BATCH} records per handler call, ${PARTITIONS_CONCURRENTLY} partitions at once), \`decodeEvent\` on every record, ` +
      `a handler that does nothing, no metrics, no logs; it commits per chunk like the services. It drains each backlog before the ` +
      `service does, so "× ceiling" is the share of the runtime's own speed that a service keeps once it parses and stores.`,
    `**Correctness of the drains.** ` +
      drains
        .filter((d) => d.consumer !== 'ceiling')
        .map(
          (r) =>
            `${r.consumer}${on(r.store)}: applied counter ${int(r.metrics?.applied)} of ${int(r.backlog.produced)} records (${int(r.metrics?.duplicates)} of them changed nothing), ` +
            `${int(r.metrics?.deadLettered)} dead-lettered, ${int(r.documents)} ${r.consumer === 'message-store' ? 'received messages' : 'status documents'} ` +
            `for ${int(r.backlog.distinctIds)} distinct wamids`,
        )
        .join('; ') +
      '. Each database is dropped right after its replay (mongo-java-server holds everything in its JVM heap).',
    `**End-to-end details.** ${int(post.sent)} POSTs (${int(post.accepted)} answered 2xx, ${int(post.skipped)} skipped by the open loop's ` +
      `in-flight cap, ${int(post.errors)} without an answer); items: ${int(res.items.messages)} messages, ${int(res.items.statuses)} statuses ` +
      `(${int(res.items.newStatuses)} of new wamids), ${int(res.items.other)} other; the events topic holds ${int(e2e.events)} records ` +
      `(warm-up included). Dead-lettered: message-store ${int(e2e.metrics['message-store'].deadLettered)}, status-tracker ` +
      `${int(e2e.metrics['status-tracker'].deadLettered)}. Following the samples took ${int(probeGets)} GETs (~${int((probeGets * 1000) / Math.max(1, res.ms))}/s ` +
      `on top of the load, ${int(probeErrors)} without an answer), which the services and the store also serve. CPU over the measured ` +
      `phase (% of one core; Kafka is the shared test broker, so its CPU includes anyone else's traffic): ${cpuLine}. ` +
      `1-minute load average before the phase: ${e2e.loadBefore.toFixed(2)}. Event-loop delay of the load generator: p99 ` +
      `${ms(res.loopDelay.p99)} ms, max ${ms(res.loopDelay.max)} ms (what of the latencies above could be the measurer's own stalls). ` +
      `${worstSecond(res)} Peak RSS MiB: ${Object.entries(e2e.peakRss)
        .map(([n, v]) => `${n} ${mib(v)}`)
        .join(', ')}.`,
    cpuPerEvent(drains, e2e, phases),
    `**How it was measured.** Every service runs through its composition root (\`services/<name>/src/main.ts\`, \`node\`, no tsx, ` +
      `LOG_LEVEL=info to a file) with its own consumer group and database; Kafka (test profile, KRaft, one broker), the store and the ` +
      `bench process share the same ${os.availableParallelism()}-core machine, which other work may share too (1-minute load average ` +
      `before the first drain: ${input.loadBefore.toFixed(2)}). Topics are created per run (\`bench.<run>.consumers.*\`, the production ` +
      `configs from infra/topics.json, ${12} partitions) and deleted afterwards, databases dropped. CPU is % of one core over the drain ` +
      `window or the measured end-to-end phase (/proc/<pid>/stat); peak RSS is VmHWM. A drain's rate counts the records applied between ` +
      `the window's two polls; the end is seen up to one poll late, which lowers short windows' rates slightly (the ceiling's most). ` +
      `Polls every ${phases.drainPollMs} ms rather than 100: the ceiling drains the backlog in about a second, which 100 ms polls would ` +
      `cut into a handful of steps. Latencies are exact percentiles (client clock).`,
    input.stores === 'external'
      ? `**The store** was the one MONGODB_URI names; its CPU was not sampled. Unless that is a real MongoDB replica set, read the next ` +
          `paragraph's caveats as applying to it.`
      : `**The stores**, each started for this bench alone and drained into one after the other: ` +
          input.stores
            .map((s) =>
              s.label === 'SecantusDB'
                ? `SecantusDB (Python on WiredTiger, a ${s.memory} cache, its files in a temporary directory)`
                : `${s.label} (in memory, a ${s.memory} heap)`,
            )
            .join('; ') +
          `. The shared test store, which other tests use at the same time, keeps every document in a 512 MiB heap that a large backlog ` +
          `could exhaust. Each store's CPU is that of this bench alone. The end-to-end phase runs on ${input.stores[0]?.label ?? 'the first'} only. ` +
          `SecantusDB is reached with \`retryWrites=false\`, as the test tier reaches it: with retryable writes every acknowledged write ` +
          `costs it up to ~25 ms more (docs/stores.md). It journals through WiredTiger (no fsync per commit, like mongod's default) but ` +
          `serves every connection from one Python process: its rates say what SecantusDB does, not what mongod would.`,
    `**What an in-memory mongo-java-server means for real MongoDB.** No disk, no journal, no replication: an acknowledged write ` +
      `costs no fsync and no majority round trip, and its query and update engine is not MongoDB's. On a replica set with the default ` +
      `write concern (w: majority, journaled) every bulk write of a chunk also waits for the journal and a majority of members before ` +
      `the consumer commits its offset and takes that partition's next chunk, so per-chunk latency rises and throughput per partition ` +
      `falls unless more partitions are applied at once; the other way, a real server may well spend less CPU per operation than ` +
      `this JVM store (not measured here), so its CPU column says nothing about MongoDB's. Neither the throughput nor the latency here carries over as is: measure against a ` +
      `real replica set before sizing.`,
  );
  const tables = [drainTable, replayTable, e2eTable];
  if (Array.isArray(input.stores) && input.stores.length > 1)
    tables.splice(
      2,
      0,
      storesTable(
        drains,
        input.replays,
        input.stores.map((x) => x.label),
      ),
    );
  return { tables, checks, notes };
}
