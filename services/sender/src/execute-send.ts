import { callClaimed, claim, completeEntry, recordDecision, untilStored, type GraphRequest, type SendOnceDeps } from '@wabus/graph-send';
import { SenderError } from './errors.ts';
import { customerOf, type SendCommand } from './send-command.ts';
import { fingerprintOf, sendIdOf, type SendDoc } from './sends.ts';

export interface SendExecutorDeps extends SendOnceDeps<SendDoc> {
  /** Refused calls (rate limits) are retried for this long after the request came in, then the send is failed. */
  refusalRetryMs: number;
}

export interface SendRequest {
  command: SendCommand;
  tenantId: string;
  idempotencyKey: string;
  request: GraphRequest;
  accessToken: string;
}

/**
 * One `POST /v1/messages`, at most one Graph call per business number and Idempotency-Key whatever is retried or
 * raced: record the send (insert-once by key), claim the call (compare-and-set, packages/graph-send), call, record
 * the outcome. The same key again finds the record: the same request answers what it holds (`replayed`), another
 * request is a 409. A lost answer is `unknown` and never sent again.
 */
export async function executeSend(deps: SendExecutorDeps, s: SendRequest): Promise<{ doc: SendDoc; replayed: boolean }> {
  const c = s.command;
  const at = new Date(deps.now());
  const id = sendIdOf(c.phoneNumberId, s.idempotencyKey);
  const fingerprint = fingerprintOf(c);
  const entry: SendDoc = {
    _id: id,
    state: 'pending',
    tenantId: s.tenantId,
    phoneNumberId: c.phoneNumberId,
    idempotencyKey: s.idempotencyKey,
    fingerprint,
    command: c,
    request: s.request,
    attempts: 0,
    owner: deps.owner,
    createdAt: at,
    updatedAt: at,
  };
  const recorded = await recordDecision(deps.outbox, entry);
  const current = async () => (await untilStored(deps, 'read send', id, () => deps.outbox.findOne({ _id: id }))) ?? entry;
  const stored = recorded.ok ? entry : await current();
  if (stored.fingerprint !== fingerprint) throw new SenderError('WABUS_SENDER_IDEMPOTENCY_CONFLICT', { param: 'Idempotency-Key', details: { sendId: id } });
  // A duplicate whose claim still succeeds is a send recorded but not called yet (its caller died, its insert's answer
  // was lost, or it is merely slower than this request): what was recorded is what gets sent, once.
  if (!(await claim(deps, id, 0))) return { doc: await current(), replayed: true };
  const completion = await callClaimed(deps, {
    id,
    request: stored.request,
    accessToken: s.accessToken,
    phoneNumberId: c.phoneNumberId,
    recipientKey: `${c.phoneNumberId}:${customerOf(c) ?? `read:${s.idempotencyKey}`}`, // read marks are not paced per person
    deadline: at.getTime() + deps.refusalRetryMs,
  });
  if (completion !== 'lost') await untilStored(deps, 'record send outcome', id, () => completeEntry(deps.outbox, id, completion, new Date(deps.now())));
  // Whoever won the claim made the send (201, and appends its event); every other request with the key replays it.
  return { doc: await current(), replayed: false };
}
