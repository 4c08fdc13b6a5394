import kafkajs, { type Admin, type IHeaders, type KafkaMessage, type PartitionMetadata } from 'kafkajs';

// The admin and consumer side of the adapter is kafkajs (docs/producer.md: why it stays); other packages name its
// types through these, so no package but this one depends on a Kafka client.

/** Admin operations on a cluster (topics, offsets, groups). */
export type KafkaAdmin = Admin;
/** Headers of a record as the consumer side reads them (values are Buffers, maybe repeated). */
export type RecordHeaders = IHeaders;
/** A record as the consumer side fetched it. */
export type FetchedMessage = KafkaMessage;
/** A partition's leader and replicas, from a metadata request. */
export type PartitionInfo = PartitionMetadata;

/** Which partitions of which topics a consumer-group member was assigned, from its DescribeGroups assignment bytes. */
export function decodeMemberAssignment(buf: Buffer): Record<string, number[]> {
  return kafkajs.AssignerProtocol.MemberAssignment.decode(buf)?.assignment ?? {};
}
