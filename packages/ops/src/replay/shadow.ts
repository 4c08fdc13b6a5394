import type { KafkaClient as Kafka } from '@wabus/kafka';
import { OpsError } from '../errors.ts';
import { connectAdmin } from '../kafka-admin.ts';
import { executeReplayPlan, replayProgress, type ReplayPlan, type ReplayProgress } from './plan-replay.ts';
import { createTopicsAndWait } from '@wabus/kafka';

/** A consumer service started for a shadow replay; the CLI spawns its entry point, tests may too. */
export interface LaunchedService {
  /** Resolves with the exit code when the process ends by itself or after `stop`. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
  /** The last lines it wrote (for the error when it dies). */
  outputTail(): string;
}

export interface ShadowTarget {
  /** The shadow's own database (compared with the live one by `replay diff`). */
  database: string;
  /** Its dead letters go here, not to the live service's DLQ. */
  dlqTopic: string;
}

export interface ShadowRunOptions {
  /** Starts the service with these extra environment variables (group, database, DLQ, replay-only). */
  launch: (env: Record<string, string>) => LaunchedService;
  onProgress?: (p: ReplayProgress) => void;
  pollMs?: number;
}

export interface ShadowResult {
  progress: ReplayProgress;
  elapsedMs: number;
}

/**
 * Seeds the (new, empty) shadow group with the plan's offsets and replay marks, starts the service replay-only on
 * that group and database, follows its commits until every partition reached its frontier, and stops it. The
 * service applies nothing past the frontier and, as every record it applies carries the replay header, causes no
 * outside effects.
 */
export async function runShadowReplay(kafka: Kafka, plan: ReplayPlan, target: ShadowTarget, o: ShadowRunOptions): Promise<ShadowResult> {
  if (plan.mode !== 'shadow') throw new OpsError('WABUS_OPS_BAD_REPLAY', { message: 'runShadowReplay needs a shadow plan' });
  const admin = await connectAdmin(kafka);
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(target.dlqTopic)) await createTopicsAndWait(admin, { topics: [{ topic: target.dlqTopic, numPartitions: 1 }] });
  } finally {
    await admin.disconnect();
  }
  await executeReplayPlan(kafka, plan);
  const started = Date.now();
  const service = o.launch({
    WABUS_GROUP_ID: plan.groupId,
    WABUS_DATABASE: target.database,
    WABUS_DLQ_TOPIC: target.dlqTopic,
    WABUS_EVENTS_TOPIC: plan.topic,
    WABUS_REPLAY_ONLY: '1',
    WABUS_REDRIVE_TOPIC: '-',
  });
  let died: number | null | undefined;
  void service.exited.then((code) => {
    died = code;
  });
  try {
    for (;;) {
      if (died !== undefined) {
        throw new OpsError('WABUS_OPS_SHADOW_FAILED', {
          message: `the shadow service exited (code ${died}) before the replay finished:\n${service.outputTail()}`,
        });
      }
      const p = await replayProgress(kafka, plan);
      o.onProgress?.(p);
      if (p.finished) return { progress: p, elapsedMs: Date.now() - started };
      await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
    }
  } finally {
    await service.stop();
  }
}
