import type { Answer } from './fault-traffic.test-support.ts';

/**
 * A text message of customer `customer` (0-based) to one business number: its own conversation key, so the
 * webhooks of several customers spread over the topic's partitions.
 */
export function customerWebhook(wamid: string, customer: number): Buffer {
  const waId = `4915100${String(customer).padStart(5, '0')}`;
  return Buffer.from(
    `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
      `"metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Cluster"},"wa_id":"${waId}"}],` +
      `"messages":[{"from":"${waId}","id":"${wamid}","timestamp":"1731705721","type":"text","text":{"body":"${wamid}"}}]}}]}]}`,
  );
}

export interface HttpTraffic {
  /** Labels what is posted from now on (before / during / after a fault). */
  phase(name: string): void;
  /** Answers so far, in the order the requests were posted. */
  answers(): Answer[];
  /** Stops posting and waits for every answer. */
  stop(): Promise<Answer[]>;
}

/**
 * Meta-like traffic over HTTP: a webhook every `intervalMs`, each with its own message id, from `customers`
 * customers in turn, posted without waiting for the previous answer; each answer counted by id. A request that gets
 * no HTTP answer at all is recorded with status 0.
 */
export function startHttpTraffic(post: (body: Buffer) => Promise<Response>, opts: { prefix: string; intervalMs: number; customers: number }): HttpTraffic {
  const answers: (Answer | undefined)[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  let phase = 'before';
  let n = 0;
  const fire = () => {
    const i = n++;
    const wamid = `wamid.${opts.prefix}.${String(i).padStart(5, '0')}`;
    const at = Date.now() - started;
    const label = phase;
    const p = post(customerWebhook(wamid, i % opts.customers)).then(
      async (r) => {
        await r.arrayBuffer();
        const retryAfter = r.headers.get('retry-after');
        answers[i] = { wamid, status: r.status, at, phase: label, ...(retryAfter !== null ? { retryAfter } : {}) };
      },
      () => {
        answers[i] = { wamid, status: 0, at, phase: label };
      },
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const timer = setInterval(fire, opts.intervalMs);
  fire();
  const answered = () => answers.filter((a): a is Answer => a !== undefined);
  return {
    phase(name) {
      phase = name;
    },
    answers: answered,
    async stop() {
      clearInterval(timer);
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      return answered();
    },
  };
}

/** The longest run of 200s among `answers` (in posting order) of `phase`, counting from its first answer. */
export function longestAcceptedRun(answers: readonly Answer[], phase: string): number {
  let best = 0;
  let run = 0;
  for (const a of answers) {
    if (a.phase !== phase) continue;
    run = a.status === 200 ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}
