import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startS3Server, type S3Server } from '@wabus/infra';
import { createKafka, type KafkaClient } from '@wabus/kafka';
import { startGraphApiStandIn, type GraphApiStandIn, type StandInMedia } from '@wabus/standins';
import { ingressRecords, mediaBody, produceRecords } from '@wabus/testing';
import { consumerPhase } from './lib/consumer-phase.ts';
import { cpuMeter, readVmMiB } from './lib/proc-stats.ts';
import type { BenchInfra, BenchSection, Check, Table } from './section.ts';

const MiB = 1024 * 1024;
const TOKEN = 'bench-media-token';

interface Phase {
  name: string;
  backend: 'fs' | 's3';
  count: number;
  size: number;
}

interface PhaseResult extends Phase {
  seconds: number;
  cpuPct: number | undefined;
  idleMiB: number | undefined;
  peakMiB: number | undefined;
}

/**
 * One phase: a fresh topic, database and media-store process (the production entry point), `count` media of `size`
 * bytes each produced at once, timed from the produce to the last one stored (polled in its database). The Graph
 * stand-in serves the bytes from this process (generated, never held whole), so the service does the real work:
 * lookups, streamed downloads, sha256 checks, writes.
 */
async function runPhase(
  p: Phase,
  o: { root: string; infra: BenchInfra; kafka: KafkaClient; graph: GraphApiStandIn; s3: S3Server; dir: string; log: (m: string) => void },
): Promise<PhaseResult> {
  const media: StandInMedia[] = [];
  const env = async (runId: string) => {
    for (let i = 0; i < p.count; i++) media.push(await o.graph.media.add({ id: `${runId}-${i}`, size: p.size, seed: `${runId}-${i}` }));
    return {
      WHATSAPP_GRAPH_BASE_URL: o.graph.url,
      WHATSAPP_ACCESS_TOKEN: TOKEN,
      MEDIA_STORE_BACKEND: p.backend,
      MEDIA_STORE_DIR: join(o.dir, runId),
      MEDIA_S3_ENDPOINT: o.s3.endpoint,
      MEDIA_S3_BUCKET: o.s3.bucket,
      MEDIA_S3_PREFIX: `${runId}/`,
      MEDIA_S3_ACCESS_KEY_ID: 'bench',
      MEDIA_S3_SECRET_ACCESS_KEY: 'bench',
    };
  };
  return consumerPhase({ ...o, service: 'media-store', env }, async ({ topic, db, child }) => {
    const idleMiB = readVmMiB(child.pid, 'VmHWM');
    const records = media.flatMap((m) => ingressRecords(mediaBody({ mediaId: m.id, sha256: m.sha256Base64 }), Date.now()));
    const cpu = cpuMeter(child.pid);
    const started = performance.now();
    await produceRecords(o.kafka, topic, records);
    const docs = db.collection('media');
    const deadline = Date.now() + 600_000;
    while ((await docs.countDocuments({ state: 'stored' })) < p.count) {
      if (Date.now() > deadline) throw new Error(`${p.name}: not all stored within 10 minutes`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    const result = { ...p, seconds, cpuPct: cpu(), idleMiB, peakMiB: readVmMiB(child.pid, 'VmHWM') };
    o.log(`media: ${p.name}: ${p.count} in ${seconds.toFixed(1)} s, peak ${result.peakMiB?.toFixed(0)} MiB`);
    return result;
  });
}

const f1 = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
const f0 = (n: number | undefined) => (n === undefined ? 'n/a' : n.toFixed(0));
const sizeOf = (b: number) => (b >= MiB ? `${b / MiB} MiB` : `${b / 1024} KiB`);

/**
 * media-store (issue 15): media fetched per second (many small images, fs and S3), and the service's memory while it
 * fetches large documents (four of 100 MiB at once: MEDIA_CONCURRENCY's default), each backend.
 */
export const mediaBench: BenchSection = {
  name: 'media',
  title: 'media-store: media fetched per second, memory while fetching large files',
  async run(ctx) {
    const infra = await ctx.infra();
    const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'wabus-bench-media' });
    const graph = await startGraphApiStandIn({ accessToken: TOKEN });
    const s3 = await startS3Server({ log: ctx.log });
    const dir = await mkdtemp(join(tmpdir(), 'wabus-bench-media-'));
    const small = ctx.quick ? 100 : 500;
    const large = ctx.quick ? 2 : 4;
    const phases: Phase[] = [
      { name: 'small fs', backend: 'fs', count: small, size: 100 * 1024 },
      { name: 'small s3', backend: 's3', count: small, size: 100 * 1024 },
      { name: 'large fs', backend: 'fs', count: large, size: 100 * MiB },
      { name: 'large s3', backend: 's3', count: large, size: 100 * MiB },
    ];
    const loadBefore = loadavg()[0] ?? 0;
    const results: PhaseResult[] = [];
    try {
      for (const p of phases) {
        ctx.log(`media: ${p.name}: ${p.count} × ${sizeOf(p.size)}`);
        results.push(await runPhase(p, { root: ctx.root, infra, kafka, graph, s3, dir, log: ctx.log }));
      }
    } finally {
      await graph.close();
      await s3.stop();
      await rm(dir, { recursive: true, force: true });
    }
    const table: Table = {
      caption:
        '**Per phase**: a fresh media-store process (MEDIA_CONCURRENCY 4, 3 partitions), all media produced at once, timed from the produce to the last one stored. The Graph stand-in and gofakes3 run on the same machine.',
      columns: ['phase', 'media', 'size', 'media/s', 'MiB/s', 'service CPU', 'VmHWM idle → peak MiB'],
      rows: results.map((r) => [
        r.name,
        String(r.count),
        sizeOf(r.size),
        f1(r.count / r.seconds),
        f1((r.count * r.size) / MiB / r.seconds),
        r.cpuPct === undefined ? 'n/a' : `${r.cpuPct.toFixed(0)} %`,
        `${f0(r.idleMiB)} → ${f0(r.peakMiB)}`,
      ]),
    };
    const checks: Check[] = results
      .filter((r) => r.size >= 100 * MiB)
      .map((r) => {
        const growth = (r.peakMiB ?? Infinity) - (r.idleMiB ?? 0);
        const held = (r.count * r.size) / MiB;
        return {
          name: `memory while fetching ${r.count} × ${sizeOf(r.size)} at once (${r.backend})`,
          target: `VmHWM growth under half of what holding them would take (< ${held / 2} MiB)`,
          observed: `+${growth.toFixed(0)} MiB (first fetches' module loading included)`,
          pass: growth < held / 2,
        };
      });
    const notes = [
      `Load average before: ${loadBefore.toFixed(1)} (the machine is shared; compare rows, not runs).`,
      'Small media are 100 KiB images (each a lookup and a download); large ones 100 MiB documents (Meta’s limit).',
      'What bounds memory: fs writes stream (a few 64 KiB chunks per media); an S3 upload holds up to three 8 MiB parts (two in flight, one filling) and the SDK’s copies of them, so four at once cost tens of MiB each whatever the file size; MEDIA_S3_PART_SIZE (at least 5mb) and MEDIA_CONCURRENCY lower it. media-large.int.test.ts shows the growth does not follow the size (a 100 MiB document after a 50 MiB one: +1–2 MiB fs, +21–25 MiB S3).',
    ];
    return { tables: [table], checks, notes };
  },
};
