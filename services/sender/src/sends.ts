import { createHash } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import type { SendEntry } from '@wabus/graph-send';
import type { SendCommand } from './send-command.ts';

export const SENDS_COLLECTION = 'sends';

/** One accepted request of `POST /v1/messages`, keyed by its business number and Idempotency-Key. */
export interface SendDoc extends SendEntry {
  /** `snd_` + a hash of the business number and the key: the same key on the same number is the same send. */
  _id: string;
  tenantId: string;
  phoneNumberId: string;
  idempotencyKey: string;
  /** Hash of the validated command: the same key with another request is a conflict, not a replay. */
  fingerprint: string;
  command: SendCommand;
  createdAt: Date;
  /** The state whose event was appended to the sends topic (publish-sends.ts); absent until then. */
  published?: string;
}

export const sendsOf = (db: Db): Collection<SendDoc> => db.collection<SendDoc>(SENDS_COLLECTION);

export async function ensureSendIndexes(sends: Collection<SendDoc>): Promise<void> {
  await sends.createIndex({ state: 1, createdAt: -1 }, { name: 'state_created' });
  await sends.createIndex({ 'reply.wamid': 1 }, { name: 'reply_wamid', sparse: true });
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export const sendIdOf = (phoneNumberId: string, idempotencyKey: string): string => `snd_${sha256(`${phoneNumberId}\n${idempotencyKey}`).slice(0, 32)}`;

/** The command as validated (fields in a fixed order, defaults filled in): the key order of the JSON sent does not matter. */
export const fingerprintOf = (c: SendCommand): string => sha256(JSON.stringify(c));

/** What the API shows of a send (never the token; the request as sent to Meta). */
export function sendView(d: SendDoc): Record<string, unknown> {
  return {
    id: d._id,
    state: d.state,
    tenantId: d.tenantId,
    phoneNumberId: d.phoneNumberId,
    idempotencyKey: d.idempotencyKey,
    type: d.command.kind === 'read' ? 'read' : d.command.message.type,
    wamid: d.reply?.wamid ?? null,
    attempts: d.attempts,
    error: d.error ?? null,
    unknown: d.unknown ?? null,
    request: d.request.body,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}
