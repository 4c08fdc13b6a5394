import { createHmac } from 'node:crypto';
import type { TestContext } from 'node:test';
import { freePort, spawnServiceProcess, waitUntil, type ServiceProcess } from '@wabus/testing';

const SECRET = 'cluster-test-app-secret';

export interface IngressProcess {
  /** `http://127.0.0.1:<port>` */
  base: string;
  service: ServiceProcess;
  /**
   * POSTs a correctly signed body to /webhook, the way Meta does (signed with `secret`, default the test's own);
   * `init` adds headers (e.g. `connection: close`) or a signal.
   */
  post(body: Buffer, secret?: string, init?: { headers?: Record<string, string>; signal?: AbortSignal }): Promise<Response>;
  /** The `x-hub-signature-256` header Meta would send with `body`. */
  signature(body: Buffer, secret?: string): string;
  /** Its first `n` log lines at level error or above (pino level ≥ 50): why it refused something. */
  errorLines(n: number): string[];
}

/**
 * The real ingress (`services/ingress/src/main.ts`) as its own process, on `brokers` and the given topics, with its
 * defaults but for the acknowledgement deadline; resolves once /readyz answers 200. Killed after the test if still
 * running. What the tests see of it is its public surface: HTTP answers, and what is on the topics.
 */
export async function startIngressProcess(
  t: TestContext,
  opts: { brokers: string[]; rawTopic: string; eventsTopic: string; ackTimeoutMs?: number; env?: Record<string, string | undefined> },
): Promise<IngressProcess> {
  const port = await freePort();
  const service = spawnServiceProcess(t, new URL('./main.ts', import.meta.url), {
    INGRESS_HOST: '127.0.0.1',
    INGRESS_PORT: String(port),
    WHATSAPP_APP_SECRETS: SECRET,
    WHATSAPP_VERIFY_TOKEN: 'cluster-test-verify-token',
    KAFKA_BROKERS: opts.brokers.join(','),
    WABUS_RAW_TOPIC: opts.rawTopic,
    WABUS_EVENTS_TOPIC: opts.eventsTopic,
    INGRESS_ACK_TIMEOUT_MS: String(opts.ackTimeoutMs ?? 5_000),
    LOG_LEVEL: 'warn',
    OTEL_TRACES_EXPORTER: 'none',
    ...opts.env,
  });
  const base = `http://127.0.0.1:${port}`;
  await waitUntil(
    () => `ingress ready at ${base}/readyz; its output:\n${service.output().slice(-3_000)}`,
    async () => {
      if (!service.running()) throw new Error(`ingress exited during start-up:\n${service.output().slice(-3_000)}`);
      return fetch(`${base}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  const signature = (body: Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const post = (body: Buffer, secret = SECRET, init: { headers?: Record<string, string>; signal?: AbortSignal } = {}) =>
    fetch(`${base}/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signature(body, secret),
        ...init.headers,
      },
      body,
      ...(init.signal ? { signal: init.signal } : {}),
    });
  const errorLines = (n: number) =>
    service
      .output()
      .split('\n')
      .filter((l) => /^\{"level":(5|6)\d/.test(l))
      .slice(0, n)
      .map((l) => (l.length > 1_500 ? `${l.slice(0, 1_500)}…` : l));
  return { base, service, post, signature, errorLines };
}
