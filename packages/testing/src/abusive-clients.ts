import net from 'node:net';
import type { Server } from 'node:http';

/**
 * Clients that hold a connection without finishing a request (docs/fuzz.md, "Slow and abusive clients"):
 * - `slow_headers`: a request line, then one header byte every `dribbleMs` (slowloris);
 * - `slow_body`: whole headers announcing a body, then one body byte every `dribbleMs`;
 * - `idle`: connects and sends nothing;
 * - `idle_keep_alive`: one request, reads its answer, then keeps the connection open without a word;
 * - `expect_no_body`: `Expect: 100-continue`, then never sends the body it announced;
 * - `never_reads`: pipelines requests whose answers are large (a 404 repeats its ~8 KB path) and never reads one
 *   (`pipelined` of them, default 600: enough to fill the socket buffers and stall the server's writes).
 */
export const ABUSE_KINDS = ['slow_headers', 'slow_body', 'idle', 'idle_keep_alive', 'expect_no_body', 'never_reads'] as const;
export type AbuseKind = (typeof ABUSE_KINDS)[number];

export interface AbuseResult {
  kind: AbuseKind;
  /** The client's port: the server's record of the connection is found by it. */
  localPort: number;
  /** The first line the server wrote, if any (`HTTP/1.1 408 Request Timeout`, ...). */
  firstLine: string | null;
  /** False when the client had to give up (`giveUpMs`) because the server never closed the connection. */
  closedByServer: boolean;
}

const SIGNED_POST = (length: number, extra = '') =>
  `POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Hub-Signature-256: sha256=${'0'.repeat(64)}\r\n` +
  `Content-Length: ${length}\r\n${extra}\r\n`;

/**
 * Runs one abusive client until the server closes its connection (or `giveUpMs` passes, or `signal` aborts);
 * `serverClosed` tells a client that reads nothing when the server let go (`trackConnections`).
 */
export function abuse(
  kind: AbuseKind,
  port: number,
  o: { dribbleMs: number; giveUpMs: number; pipelined?: number; serverClosed: (localPort: number) => boolean; signal?: AbortSignal },
): Promise<AbuseResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let localPort = 0;
    let firstLine: string | null = null;
    let timer: NodeJS.Timeout | undefined;
    const dribble = (byte: string) => {
      timer = setInterval(() => socket.writable && socket.write(byte), o.dribbleMs);
    };
    let closedByServer = true;
    const giveUp = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, o.giveUpMs);
    // Stopped by its owner (a benchmark phase ends): not the server's doing.
    o.signal?.addEventListener('abort', () => {
      closedByServer = false;
      socket.destroy();
    });
    socket.on('timeout', () => undefined);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      firstLine ??= chunk.toString('latin1').split('\r\n', 1)[0]!;
    });
    socket.on('end', () => socket.end());
    socket.once('connect', () => {
      localPort = socket.localPort ?? 0;
      switch (kind) {
        case 'slow_headers':
          socket.write('POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
          dribble('a');
          break;
        case 'slow_body':
          socket.write(`${SIGNED_POST(100_000)}{`);
          dribble(' ');
          break;
        case 'idle':
          break;
        case 'idle_keep_alive':
          socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
          break;
        case 'expect_no_body':
          socket.write(SIGNED_POST(500, 'Expect: 100-continue\r\n'));
          break;
        case 'never_reads': {
          // Reading nothing, it never sees the server's FIN (it waits behind the unread answers): ask the server's side.
          timer = setInterval(() => o.serverClosed(localPort) && socket.destroy(), 50);
          socket.pause();
          const request = Buffer.from(`GET /${'x'.repeat(8_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
          // ~600 answers of 8 KB outgrow a loopback socket's buffers when nobody reads (the receive window stays small).
          for (let i = 0; i < (o.pipelined ?? 600); i++) socket.write(request);
          break;
        }
      }
    });
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ kind, localPort, firstLine, closedByServer });
    });
  });
}

/** How long the server kept each connection, by the client's port: the server's own view of when it let go. */
export function trackConnections(server: Server) {
  const lifetimes = new Map<number, number>();
  server.on('connection', (socket: net.Socket) => {
    const opened = performance.now();
    const port = socket.remotePort ?? 0;
    socket.once('close', () => lifetimes.set(port, performance.now() - opened));
  });
  return { lifetimeOf: (localPort: number) => lifetimes.get(localPort), closed: (localPort: number) => lifetimes.has(localPort) };
}
