import http from 'node:http';
import https from 'node:https';

export type PostResult = { ok: true; status: number; latencyMs: number } | { ok: false; error: string; latencyMs: number };

/** Sends one signed webhook body. Never rejects: transport failures come back as `{ ok: false, error }`. */
export interface Poster {
  post(body: Buffer, signature: string): Promise<PostResult>;
  close(): void;
}

export interface HttpPosterOptions {
  url: string;
  /** Sockets kept open to the target (keep-alive). */
  maxSockets: number;
  /** Whole-request timeout. Default 10 000 ms. */
  timeoutMs?: number;
  headers?: Readonly<Record<string, string>>;
  /** Monotonic milliseconds. Default performance.now. */
  now?: () => number;
}

/** A keep-alive `node:http(s)` poster: lower overhead per request than fetch/undici for many small POSTs. */
export function createHttpPoster(options: HttpPosterOptions): Poster {
  const target = new URL(options.url);
  const mod = target.protocol === 'https:' ? https : http;
  const agent = new mod.Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const now = options.now ?? (() => performance.now());
  const timeoutMs = options.timeoutMs ?? 10_000;
  const path = `${target.pathname}${target.search}`;

  const post = (body: Buffer, signature: string) =>
    new Promise<PostResult>((resolve) => {
      const started = now();
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (result: PostResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const fail = (err: Error & { code?: string }) => settle({ ok: false, error: err.code ?? err.message, latencyMs: now() - started });
      const req = mod.request({
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        path,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(body.length),
          'user-agent': 'facebookexternalua',
          'x-hub-signature-256': signature,
          ...options.headers,
        },
      });
      timer = setTimeout(() => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
      req.on('response', (res) => {
        res.on('error', fail);
        res.on('end', () => settle({ ok: true, status: res.statusCode ?? 0, latencyMs: now() - started }));
        res.on('close', () => {
          if (!res.complete) fail(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' }));
        });
        res.resume();
      });
      req.on('error', fail);
      req.end(body);
    });

  return { post, close: () => agent.destroy() };
}
