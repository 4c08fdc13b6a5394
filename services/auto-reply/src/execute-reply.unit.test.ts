import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from './decide.ts';
import { executeReply, type ReplyDecision, type ReplyExecutorDeps } from './execute-reply.ts';
import { memoryOutbox } from './memory-outbox.test-support.ts';
import { observeGraphCalls } from '@wabus/graph-send';
import { createPacer, createRateLimiter, type GraphOutcome, type GraphRequest } from '@wabus/graph-send';

const NOW = 1_750_000_000_000;

function setup(answers: GraphOutcome[] = []) {
  const outbox = memoryOutbox();
  const sent: GraphRequest[] = [];
  const deps: ReplyExecutorDeps = {
    outbox: outbox.collection,
    graph: {
      post: async (req, token) => {
        assert.equal(token, 'token-of-default');
        sent.push(req);
        return answers.shift() ?? { outcome: 'accepted', wamid: req.body['status'] === 'read' ? null : `wamid.OUT${sent.length}` };
      },
    },
    accessTokenOf: (tenant) => `token-of-${tenant}`,
    apiVersion: 'v21.0',
    throughput: createRateLimiter({ intervalMs: 0, now: () => NOW, sleep: async () => undefined }),
    pacing: createPacer({ intervalMs: 0, now: () => NOW, sleep: async () => undefined }),
    retry: { initialMs: 1, maxMs: 4 },
    maxAgeSeconds: 600,
    owner: 'process-a',
    now: () => NOW,
    sleep: async () => undefined,
    random: () => 0.5,
    log: { warn: () => undefined, info: () => undefined },
    observer: {},
  };
  return { outbox, sent, deps };
}

function decision(text = 'Thanks!', markAsRead = false): ReplyDecision {
  const inbound = {
    eventId: 'ev1',
    tenantId: 'default',
    phoneNumberId: '1065',
    customerId: '5511',
    address: { to: '5511' },
    wamid: 'wamid.IN',
    timestamp: NOW / 1000,
    content: { kind: 'text' as const, text: 'hi' },
  };
  const commands: Command[] = [
    ...(markAsRead ? [{ type: 'MarkAsRead' as const, phoneNumberId: '1065', messageId: 'wamid.IN' }] : []),
    { type: 'SendAutoReply', phoneNumberId: '1065', address: { to: '5511' }, replyTo: 'wamid.IN', message: { type: 'text', text, previewUrl: false } },
  ];
  return { commands, ruleId: 'r', trigger: 'default', inbound };
}

const source = { partition: 0, offset: '7' };
const replies = (sent: GraphRequest[]) => sent.filter((r) => r.body['status'] !== 'read');

test('execute: the same decision executed twice, or twice at once, calls the Graph API once', async () => {
  const { outbox, sent, deps } = setup();
  assert.equal(await executeReply(deps, decision(), source), 'sent');
  assert.equal(await executeReply(deps, decision(), source), 'duplicate');
  const [a, b] = await Promise.all([
    executeReply(deps, decision('x'), { ...source, offset: '8' }),
    executeReply(deps, decision('x'), { ...source, offset: '8' }),
  ]);
  assert.deepEqual([a, b], ['duplicate', 'duplicate']);
  assert.equal(sent.length, 1);
  const entry = outbox.docs.get('ev1')!;
  assert.equal(entry.state, 'sent');
  assert.equal(entry.reply?.wamid, 'wamid.OUT1');
  assert.equal(entry.attempts, 1);
});

test('execute: an insert that landed but whose answer was lost: the retried batch claims it and sends the recorded request once', async () => {
  const { outbox, sent, deps } = setup();
  outbox.faults.push({ op: 'insertOne', mode: 'lands' });
  await assert.rejects(executeReply(deps, decision('first decision'), source), /answer lost/);
  assert.equal(sent.length, 0);
  // The batch is retried; meanwhile the conversation state would make a different decision.
  assert.equal(await executeReply(deps, decision('second decision'), source), 'sent');
  assert.equal(await executeReply(deps, decision('second decision'), source), 'duplicate');
  assert.equal(sent.length, 1);
  assert.equal((sent[0]!.body['text'] as { body: string }).body, 'first decision', 'what was recorded is what is sent');
});

test('execute: a claim that landed but whose answer was lost is recognised by its token, and sends once', async () => {
  const { outbox, sent, deps } = setup();
  outbox.faults.push({ op: 'updateOne', mode: 'lands', when: (a) => a['attempts'] === 1 });
  assert.equal(await executeReply(deps, decision(), source), 'sent');
  assert.equal(sent.length, 1);
  const lostClaim = setup();
  lostClaim.outbox.faults.push({ op: 'updateOne', mode: 'fails', when: (a) => a['attempts'] === 1 });
  assert.equal(await executeReply(lostClaim.deps, decision(), source), 'sent', 'a claim that did not land is tried again');
  assert.equal(lostClaim.sent.length, 1);
});

test('execute: recording the outcome is retried until it lands; nothing is left pending by a live process', async () => {
  const { outbox, sent, deps } = setup();
  outbox.faults.push(
    { op: 'updateOne', mode: 'fails', when: (a) => a['state'] === 'sent' },
    { op: 'updateOne', mode: 'fails', when: (a) => a['state'] === 'sent' },
  );
  assert.equal(await executeReply(deps, decision(), source), 'sent');
  assert.equal(outbox.docs.get('ev1')!.state, 'sent');
  assert.equal(sent.length, 1);
});

test('execute: refusals are retried with a new claim each; permanent errors and unknown outcomes are not', async () => {
  const refused: GraphOutcome = { outcome: 'refused', error: { code: 130429 } };
  const r = setup([refused, refused]);
  assert.equal(await executeReply(r.deps, decision(), source), 'sent');
  assert.equal(r.sent.length, 3);
  assert.equal(r.outbox.docs.get('ev1')!.attempts, 3);

  const f = setup([{ outcome: 'failed', error: { code: 131047 } }]);
  assert.equal(await executeReply(f.deps, decision('x', true), source), 'failed');
  assert.equal(replies(f.sent).length, 1);
  assert.equal(f.outbox.docs.get('ev1')!.markAsRead?.outcome, 'accepted', 'marked as read all the same');

  const u = setup([{ outcome: 'unknown', reason: 'timeout', detail: 'no answer' }]);
  assert.equal(await executeReply(u.deps, decision(), source), 'unknown');
  assert.equal(u.sent.length, 1);
  assert.equal(u.outbox.docs.get('ev1')!.unknown?.reason, 'timeout');
});

test('execute: every Graph API call is reported with its outcome and code, and every backoff wait as slept', async () => {
  const r = setup([
    { outcome: 'refused', error: { code: 130429 } },
    { outcome: 'refused', error: { code: 'ECONNREFUSED' } },
    { outcome: 'accepted', wamid: 'wamid.OUT' },
    { outcome: 'refused', error: { code: 80007 } },
    { outcome: 'unknown', reason: 'timeout', detail: 'no answer' },
  ]);
  const events: string[] = [];
  const slept: number[] = [];
  r.deps.sleep = async (ms) => void slept.push(ms);
  r.deps.observer = {
    called: (call, result, code) => events.push(`${call} ${result} ${code}`),
    waited: (reason, s) => events.push(`wait ${reason} ${s * 1000}`),
  };
  r.deps.graph = observeGraphCalls(r.deps.graph, r.deps.observer);
  assert.equal(await executeReply(r.deps, decision('x', true), source), 'sent');
  // retry 1 ms initial, 4 max, random 0.5: refusal backoffs of 1 and 2 ms, the mark-as-read's of 1 ms.
  assert.deepEqual(events, [
    'send refused 130429',
    'wait backoff 1',
    'send refused ECONNREFUSED',
    'wait backoff 2',
    'send accepted ',
    'mark_read refused 80007',
    'wait backoff 1',
    'mark_read unknown timeout',
  ]);
  assert.deepEqual(slept, [1, 2, 1], 'what was reported is what was slept');
});

test('execute: refusals past the max age end as failed (retries exhausted)', async () => {
  const r = setup(Array.from({ length: 50 }, () => ({ outcome: 'refused', error: { code: 131056 } }) as GraphOutcome));
  let t = NOW;
  r.deps.now = () => t;
  r.deps.sleep = async (ms) => void (t += ms);
  r.deps.retry = { initialMs: 60_000, maxMs: 120_000 };
  assert.equal(await executeReply(r.deps, decision(), source), 'failed');
  const e = r.outbox.docs.get('ev1')!;
  assert.deepEqual([e.error?.code, e.error?.reason], [131056, 'retries_exhausted']);
  assert.ok(t - NOW <= 600_000, 'gave up within the max age');
});
