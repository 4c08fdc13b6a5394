import { Kafka, logLevel, type LogEntry } from 'kafkajs';

/** The subset of a pino logger the Kafka adapter needs; pino loggers satisfy it. */
export interface LogSink {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A connection to a cluster: brokers and client id, for the admin, the consumer runtime and producers. */
export type KafkaClient = Kafka;

export const silentLog: LogSink = { debug() {}, info() {}, warn() {}, error() {} };

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  log?: LogSink;
  /** Per-connection request timeout; kafkajs' default (30 s) is far beyond a webhook's patience. */
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
}

/** Routes kafkajs' own logging into the service logger, one child per namespace. */
function logCreatorFor(log: LogSink) {
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      const { message, timestamp: _ts, logger: _l, ...extra } = entry as LogEntry['log'] & { logger?: string };
      const obj = { component: 'kafkajs', namespace, ...extra };
      // kafkajs logs every protocol error response at ERROR from its Connection namespace, including retriable
      // ones it retries itself (a coordinator still loading at start-up): those are warnings here.
      if (level === logLevel.ERROR && namespace !== 'Connection') log.error(obj, message);
      else if (level === logLevel.ERROR) log.warn(obj, message);
      else if (level === logLevel.WARN) log.warn(obj, message);
      else if (level === logLevel.INFO) log.debug(obj, message);
      else log.debug(obj, message);
    };
}

/** What each client made by createKafka was made with: the producer (another client library) connects the same way. */
const optionsByClient = new WeakMap<Kafka, KafkaClientOptions>();

export function kafkaOptionsOf(kafka: Kafka): KafkaClientOptions {
  const opts = optionsByClient.get(kafka);
  if (opts === undefined) throw new Error('this Kafka client was not made by createKafka (@wabus/kafka)');
  return opts;
}

export function createKafka(opts: KafkaClientOptions): Kafka {
  const kafka = new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    logLevel: logLevel.INFO,
    logCreator: logCreatorFor(opts.log ?? silentLog),
    requestTimeout: opts.requestTimeoutMs ?? 10_000,
    connectionTimeout: opts.connectionTimeoutMs ?? 3_000,
  });
  optionsByClient.set(kafka, opts);
  return kafka;
}

/** Parses `KAFKA_BROKERS`-style input: comma-separated host:port pairs. */
export function parseBrokers(raw: string): string[] {
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const b of brokers) {
    if (!/^[^:\s]+:\d+$/.test(b)) throw new Error(`invalid broker address ${JSON.stringify(b)} (expected host:port)`);
  }
  return brokers;
}
