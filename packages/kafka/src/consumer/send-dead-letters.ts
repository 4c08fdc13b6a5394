import { context, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import { recordFailure } from '@wabus/telemetry';
import type { LogSink } from '../client.ts';
import type { ProduceMessage } from '../produce-types.ts';
import type { ChunkSpans } from './chunk-spans.ts';
import { errorCode } from './classify-error.ts';
import type { ConsumerTracing } from './consumer-tracing.ts';
import type { ConsumerObserver } from './consumer-types.ts';
import { KafkaError } from '../errors.ts';
import { deadLetterMessage, valueOmitted } from './dead-letter.ts';
import type { Letter } from './decode-chunk.ts';
import { ABORTED, type Aborted, type PartitionRetry, type PartitionTurn } from './retry-partition.ts';

export interface DeadLetterSenderOptions {
  /** Sends to the dead-letter topic (one request per chunk). */
  send: (messages: ProduceMessage[]) => Promise<unknown>;
  retrying: PartitionRetry;
  tracing: ConsumerTracing;
  groupId: string;
  now: () => number;
  observer: ConsumerObserver;
  log: LogSink;
}

/**
 * The dead-letter path of a chunk: its letters in one request, retried like any infrastructure step, each with its
 * span (child of its record's); once durable, each is counted by code and kind and logged in its record's trace.
 */
export function createDeadLetterSender(o: DeadLetterSenderOptions) {
  async function send<E>(turn: PartitionTurn, letters: Letter<E>[], spans: ChunkSpans): Promise<unknown> {
    const messages: ProduceMessage[] = [];
    const letterSpans: Span[] = [];
    for (const { record, error } of letters) {
      const message = deadLetterMessage(record, error, o.groupId, o.now());
      const recordSpan = spans.of(record.offset);
      if (recordSpan) letterSpans.push(o.tracing.startDeadLetter(recordSpan, record, errorCode(error), (message.headers ??= {})));
      messages.push(message);
    }
    // A refusal as too large is permanent for those bytes: the letters go again without their values (they name their
    // source offset), in the same attempt, so the partition goes on. Nothing of a refused request was stored.
    const sendLetters = async () => {
      try {
        return await o.send(messages);
      } catch (err) {
        if (!KafkaError.is(err, 'WABUS_KAFKA_RECORD_TOO_LARGE')) throw err;
        o.log.warn(
          { component: 'consumer', groupId: o.groupId, partition: turn.partition, offsets: letters.map((l) => l.record.offset), err },
          'dead letters too large for the dead-letter topic: written without their values (the source offset names the original)',
        );
        return await o.send(messages.map(valueOmitted));
      }
    };
    let sent: unknown = ABORTED;
    try {
      sent = await o.retrying(turn, 'dead-letter', sendLetters);
      return sent;
    } catch (err) {
      sent = err;
      throw err;
    } finally {
      for (const span of letterSpans) {
        if (sent === ABORTED) recordFailure(span, { code: 'WABUS_PARTITION_REVOKED' });
        else if (sent instanceof Error) recordFailure(span, sent);
        span.end();
      }
    }
  }

  return async function sendDeadLetters<E>(
    turn: PartitionTurn,
    letters: Letter<E>[],
    spans: ChunkSpans,
    kindOf: (offset: string) => string,
  ): Promise<void | Aborted> {
    if (letters.length === 0) return;
    if ((await send(turn, letters, spans)) === ABORTED) return ABORTED;
    for (const { record, error } of letters) {
      spans.deadLettered(record.offset, error);
      const code = (error as { code?: string }).code;
      o.observer.deadLettered?.(code ?? 'WABUS_UNCLASSIFIED', kindOf(record.offset));
      const span = spans.of(record.offset);
      context.with(span ? trace.setSpan(ROOT_CONTEXT, span) : context.active(), () =>
        o.log.warn({ component: 'consumer', groupId: o.groupId, partition: turn.partition, offset: record.offset, code, err: error }, 'dead-lettered'),
      );
    }
  };
}

export type SendDeadLetters = ReturnType<typeof createDeadLetterSender>;
