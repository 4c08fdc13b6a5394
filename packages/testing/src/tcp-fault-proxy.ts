import { createServer, connect, type Server, type Socket } from 'node:net';

/** Kafka API keys the proxy can aim a fault at (https://kafka.apache.org/protocol#protocol_api_keys). */
export const KAFKA_API = { produce: 0, initProducerId: 22 } as const;

/**
 * What to do to the next `count` requests of API `apiKey` (every connection counts towards it):
 * - `drop-response`: the request reaches the broker; its response is swallowed (the connection stays open, so the
 *   client waits for its own request timeout): a lost response.
 * - `close-after-response`: the request reaches the broker and its response reaches the proxy, proving the broker
 *   handled it; then both sides of the connection are closed without handing it on: a half-done call.
 * - `close-before-forward`: the connection is closed instead of forwarding the request: the broker never sees it.
 */
export type FaultKind = 'drop-response' | 'close-after-response' | 'close-before-forward';

export interface TcpFaultProxy {
  /** Arms a fault for the next `count` requests of `apiKey`. */
  inject(fault: { kind: FaultKind; apiKey: number; count: number }): void;
  /** How many requests of each API passed, and how many faults were done. */
  stats(): { requests: Map<number, number>; faultsDone: number; connections: number };
  close(): Promise<void>;
}

interface Armed {
  kind: FaultKind;
  apiKey: number;
  left: number;
}

/**
 * A TCP proxy that understands Kafka's framing (a 4-byte size before every request and response; a request header
 * starts with api key, version and correlation id, a response header with the correlation id), so a test can lose a
 * chosen response or cut a connection at a chosen point while everything else passes through unchanged.
 */
export async function startTcpFaultProxy(opts: {
  listen: { host: string; port: number };
  target: { host: string; port: number };
  /** Called with each request's API key before it is forwarded (e.g. to freeze the broker under a produce). */
  onRequest?: (apiKey: number) => void;
}): Promise<TcpFaultProxy> {
  const requests = new Map<number, number>();
  const sockets = new Set<Socket>();
  let armed: Armed | null = null;
  let faultsDone = 0;
  let connections = 0;

  const take = (apiKey: number): FaultKind | null => {
    if (armed === null || armed.apiKey !== apiKey || armed.left <= 0) return null;
    armed.left -= 1;
    const kind = armed.kind;
    if (armed.left === 0) armed = null;
    faultsDone += 1;
    return kind;
  };

  const server: Server = createServer((client) => {
    connections += 1;
    const broker = connect(opts.target.port, opts.target.host);
    sockets.add(client).add(broker);
    /** Correlation id → the fault chosen for that request's response. */
    const pending = new Map<number, FaultKind>();
    const closeBoth = () => {
      client.destroy();
      broker.destroy();
    };
    client.on('close', () => {
      sockets.delete(client);
      broker.destroy();
    });
    broker.on('close', () => {
      sockets.delete(broker);
      client.destroy();
    });
    client.on('error', () => broker.destroy());
    broker.on('error', () => client.destroy());

    client.on(
      'data',
      frames((frame) => {
        const apiKey = frame.readInt16BE(4);
        const correlationId = frame.readInt32BE(8);
        requests.set(apiKey, (requests.get(apiKey) ?? 0) + 1);
        opts.onRequest?.(apiKey);
        const fault = take(apiKey);
        if (fault === 'close-before-forward') return closeBoth();
        if (fault !== null) pending.set(correlationId, fault);
        broker.write(frame);
      }),
    );
    broker.on(
      'data',
      frames((frame) => {
        const correlationId = frame.readInt32BE(4);
        const fault = pending.get(correlationId);
        pending.delete(correlationId);
        if (fault === 'drop-response') return;
        if (fault === 'close-after-response') return closeBoth();
        client.write(frame);
      }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listen.port, opts.listen.host, () => resolve());
  });

  return {
    inject(fault) {
      armed = { kind: fault.kind, apiKey: fault.apiKey, left: fault.count };
    },
    stats: () => ({ requests: new Map(requests), faultsDone, connections }),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Reassembles size-prefixed frames from a byte stream; calls `onFrame` with each whole frame, size included. */
function frames(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let buffered: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const size = buffered.readInt32BE(0);
      if (buffered.length < 4 + size) break;
      const frame = buffered.subarray(0, 4 + size);
      buffered = buffered.subarray(4 + size);
      onFrame(frame);
    }
  };
}
