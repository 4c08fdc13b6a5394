import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { KafkaClient } from '@wabus/kafka';
import { readTopic } from '@wabus/testing';

/** One customer writing to one business number: every webhook has the same key, so one partition and one sequence. */
export function conversationWebhook(wamid: string): Buffer {
  return Buffer.from(
    `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
      `"metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Fault"},"wa_id":"16315551181"}],` +
      `"messages":[{"from":"16315551181","id":"${wamid}","timestamp":"1731705721","type":"text","text":{"body":"${wamid}"}}]}}]}]}`,
  );
}

export interface Answer {
  wamid: string;
  status: number;
  retryAfter?: string;
  /** When it was posted, ms after the traffic started. */
  at: number;
  phase: string;
}

/**
 * Meta-like traffic against a running ingress: a webhook every `intervalMs`, each with its own message id, posted
 * without waiting for the previous answer. `phase(name)` labels what follows (before / during / after a fault).
 */
export function startTraffic(post: (body: Buffer) => Promise<LightMyRequestResponse>, opts: { prefix: string; intervalMs: number }) {
  const answers: Answer[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  let phase = 'before';
  let n = 0;
  const fire = () => {
    const wamid = `wamid.${opts.prefix}.${String(n++).padStart(5, '0')}`;
    const at = Date.now() - started;
    const label = phase;
    const p = post(conversationWebhook(wamid)).then(
      (r) => {
        const retryAfter = r.headers['retry-after'];
        answers.push({ wamid, status: r.statusCode, at, phase: label, ...(retryAfter !== undefined ? { retryAfter: String(retryAfter) } : {}) });
      },
      () => {
        answers.push({ wamid, status: 0, at, phase: label });
      },
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  let timer = setInterval(fire, opts.intervalMs);
  fire();
  return {
    /** Labels what is posted from now on; with `intervalMs`, posts at that pace from now on. */
    phase(name: string, o: { intervalMs?: number } = {}) {
      phase = name;
      if (o.intervalMs !== undefined) {
        clearInterval(timer);
        timer = setInterval(fire, o.intervalMs);
      }
    },
    answers: () => answers,
    /** Stops posting and waits for every answer. */
    async stop(): Promise<Answer[]> {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      return answers;
    },
  };
}

/** How often each message id is on the events topic. */
export async function countOnTopic(kafka: KafkaClient, eventsTopic: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const r of await readTopic(kafka, eventsTopic, { timeoutMs: 60_000 })) {
    const wamid = /"id":"(wamid\.[^"]+)"/.exec(r.value?.toString('utf8') ?? '')?.[1];
    if (wamid !== undefined) counts.set(wamid, (counts.get(wamid) ?? 0) + 1);
  }
  return counts;
}

export interface DeliveryReport {
  accepted: number;
  unavailable: number;
  /** Answered 503 but on the topic once (stored after all: Meta's retry then deduplicates). */
  unavailableStored: number;
  byPhase: Record<string, { accepted: number; unavailable: number }>;
}

/**
 * The promise, checked by id: every 200 is on the topic exactly once, every 503 at most once and says when to retry,
 * and no other answer was given.
 */
export function assertDelivered(answers: readonly Answer[], onTopic: ReadonlyMap<string, number>): DeliveryReport {
  const report: DeliveryReport = { accepted: 0, unavailable: 0, unavailableStored: 0, byPhase: {} };
  const lost: string[] = [];
  const doubled: string[] = [];
  for (const a of answers) {
    const phase = (report.byPhase[a.phase] ??= { accepted: 0, unavailable: 0 });
    const n = onTopic.get(a.wamid) ?? 0;
    if (a.status === 200) {
      report.accepted += 1;
      phase.accepted += 1;
      if (n === 0) lost.push(a.wamid);
      if (n > 1) doubled.push(`${a.wamid} (${n}×)`);
    } else {
      assert.equal(a.status, 503, `${a.wamid}: only 200 or 503, got ${a.status}`);
      assert.equal(a.retryAfter, '1', `${a.wamid}: a 503 carries Retry-After`);
      report.unavailable += 1;
      phase.unavailable += 1;
      if (n === 1) report.unavailableStored += 1;
      if (n > 1) doubled.push(`${a.wamid} (503, ${n}×)`);
    }
  }
  assert.deepEqual(lost, [], `answered 200 but not on the topic: ${lost.length} of ${report.accepted}`);
  assert.deepEqual(doubled, [], 'on the topic more than once');
  const answered = new Set(answers.map((a) => a.wamid));
  const unknown = [...onTopic.keys()].filter((w) => !answered.has(w));
  assert.deepEqual(unknown, [], 'records on the topic that no request posted');
  return report;
}
