import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { KafkaError } from './errors.ts';
import { bridgeKafkajsLog } from './kafkajs-log.ts';

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

/** Routes kafkajs' own logging into the service logger, at the levels of kafkajs-log.ts. */
function logCreatorFor(log: LogSink) {
  return () => (entry: LogEntry) => {
    const { level, obj, message } = bridgeKafkajsLog(entry);
    log[level](obj, message);
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
  // wabus produces through createProducer (@platformatic/kafka, docs/producer.md) alone. A kafkajs producer made from
  // this client would be a second, weaker one: idempotent with bounded retries, it is the one that logged "Limiting
  // retries for the idempotent producer may invalidate EoS guarantees" at every consumer's start (issue 13).
  kafka.producer = () => {
    throw new KafkaError('WABUS_KAFKA_NOT_OUR_PRODUCER');
  };
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
