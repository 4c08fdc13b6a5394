import http from 'node:http';
import { bodyOf, type HttpCase } from './http-cases.test-support.ts';

export interface CaseAnswer {
  /** 0 when no HTTP answer came (the connection failed): `error` says how. */
  status: number;
  body: Buffer;
  ms: number;
  error?: string;
}

/**
 * Posts cases over real keep-alive connections (at most `connections` at once), each exactly as given: its headers
 * only (no Content-Type unless the case has one), a Content-Length or chunked, its bytes.
 */
export function createCasePoster(port: number, connections: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const post = (c: HttpCase): Promise<CaseAnswer> =>
    new Promise((resolve) => {
      const body = bodyOf(c);
      const started = performance.now();
      let done = false;
      const finish = (a: Omit<CaseAnswer, 'ms'>) => {
        if (done) return;
        done = true;
        resolve({ ...a, ms: performance.now() - started });
      };
      const headers: Record<string, string> = { ...c.headers };
      if (!c.chunked) headers['content-length'] = String(body.length);
      const req = http.request({ agent, host: '127.0.0.1', port, method: 'POST', path: '/webhook', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', (err: NodeJS.ErrnoException) => finish({ status: 0, body: Buffer.alloc(0), error: err.code ?? err.message }));
      });
      // An answer before the whole body is written (413) may be followed by EPIPE on the write: the answer counts.
      req.on('error', (err: NodeJS.ErrnoException) => finish({ status: 0, body: Buffer.alloc(0), error: err.code ?? err.message }));
      if (!c.chunked) req.end(body);
      else {
        for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
        req.end();
      }
    });

  /** Posts every case, `connections` at a time; answers in case order. */
  async function postAll(cases: readonly HttpCase[], onAnswer?: (i: number, a: CaseAnswer) => void): Promise<CaseAnswer[]> {
    const answers: CaseAnswer[] = new Array<CaseAnswer>(cases.length);
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const i = next++;
        answers[i] = await post(cases[i]!);
        onAnswer?.(i, answers[i]);
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
    return answers;
  }

  return { post, postAll, close: () => agent.destroy() };
}
