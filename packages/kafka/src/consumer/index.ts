export { runConsumer } from './run-consumer.ts';
export type { RunConsumerOptions, ConsumerRuntime } from './run-consumer.ts';
export { EventRejectedError, isPermanent, errorCode } from './classify-error.ts';
export { DLQ_HEADERS, deadLetterMessage } from './dead-letter.ts';
export type { ConsumedRecord, ConsumerHandler, ConsumerObserver, ConsumerStatus, BatchOutcome, BatchContext, PartitionState } from './consumer-types.ts';
export { formatReplayMark, parseReplayMark, REPLAY_HEADER, MAX_MARK_BYTES } from './replay-mark.ts';
export type { ReplayMark } from './replay-mark.ts';
export { replayDecision } from './replay-frontier.ts';
export type { ReplayDecision } from './replay-frontier.ts';
