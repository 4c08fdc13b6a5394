import type { LatencySummary } from '@wabus/simulator';

/** Closed loop: `connections` keep-alive sockets, each sending its next body as soon as the answer arrived. */
export interface SaturateJob {
  type: 'saturate';
  id: number;
  url: string;
  connections: number;
  durationMs: number;
}

/** Open loop: sends paced by the clock at `rate` per second, whatever the answers do. */
export interface RateJob {
  type: 'rate';
  id: number;
  url: string;
  rate: number;
  durationMs: number;
  /** Most requests in flight; a send due beyond it is skipped and counted. */
  maxInFlight: number;
}

export type LoadJob = SaturateJob | RateJob;

export interface LoadResult {
  /** Requests answered (any status). */
  answered: number;
  ok2xx: number;
  non2xx: number;
  /** No HTTP answer: connection errors and timeouts. */
  errors: number;
  /** Open loop only: sends due while `maxInFlight` requests were out. */
  skipped: number;
  /** Closed loop only: requests still unanswered when autocannon closed its sockets at the end of the phase. */
  abandoned: number;
  durationMs: number;
  /** Answered requests per second. */
  rps: number;
  /** Exact percentiles over every answer, in ms. */
  latency: LatencySummary;
  /** CPU the load generator itself used, in % of one core (100 = one core busy). */
  loadgenCpuPct: number;
}

export type LoadgenMessage =
  | { type: 'ready'; poolSize: number; bodyBytes: number; poolMs: number }
  | { type: 'result'; id: number; result: LoadResult }
  | { type: 'failed'; id: number; message: string };
