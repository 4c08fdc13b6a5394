import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERVICE_WINDOW_MS, conversationId, evolveConversation } from './evolve-conversation.ts';
import type { ConversationDoc, ConversationFact } from './message-doc.ts';
import { runLog, type CrashPoint } from './memory-store.test-support.ts';
import { CUSTOMER, NAME, PHONE, at, echo, inbound, reaction, text } from './message-events.test-support.ts';

const fact = (o: number, over: Partial<ConversationFact> = {}): ConversationFact => ({
  at: { p: 0, o },
  wamid: `wamid.${o}`,
  tenantId: null,
  phoneNumberId: PHONE,
  personId: `phone:${CUSTOMER}`,
  aliases: [`phone:${CUSTOMER}`],
  direction: 'inbound',
  type: 'text',
  timestamp: new Date(1_700_000_000_000 + o * 1000),
  profileName: NAME,
  first: true,
  ...over,
});
const fold = (facts: ConversationFact[], from: ConversationDoc | null = null) => facts.reduce<ConversationDoc | null>(evolveConversation, from)!;

test('conversation fold: counts per direction, first/last inbound, the 24-hour window from the last inbound', () => {
  const doc = fold([fact(1), fact(2, { direction: 'outbound', profileName: null }), fact(3)]);
  assert.equal(doc._id, conversationId(PHONE, `phone:${CUSTOMER}`));
  assert.equal(doc.customerId, CUSTOMER);
  assert.deepEqual(doc.counts, { inbound: 2, outbound: 1 });
  assert.deepEqual(doc.firstInboundAt, new Date(1_700_000_001_000));
  assert.deepEqual(doc.lastInboundAt, new Date(1_700_000_003_000));
  assert.deepEqual(doc.windowClosesAt, new Date(1_700_000_003_000 + SERVICE_WINDOW_MS));
  assert.deepEqual(doc._sys.through, { p: 0, o: 3 });
});

test('conversation fold: an echo or a system notice does not open the service window', () => {
  const doc = fold([fact(1, { direction: 'outbound' }), fact(2, { type: 'system' })]);
  assert.deepEqual(doc.counts, { inbound: 1, outbound: 1 });
  assert.equal(doc.lastInboundAt, null);
  assert.equal(doc.windowClosesAt, null);
});

test('conversation fold: the profile name is the latest by Meta time, whatever the arrival order', () => {
  const older = fact(5, { profileName: 'Old', timestamp: new Date(1_000_000) });
  const newer = fact(6, { profileName: 'New', timestamp: new Date(2_000_000) });
  assert.equal(fold([older, newer]).profileName, 'New');
  // Different log (another topic): the newer name sits at the lower offset.
  assert.equal(
    fold([
      { ...newer, at: { p: 0, o: 5 } },
      { ...older, at: { p: 0, o: 6 } },
    ]).profileName,
    'New',
  );
});

test('conversation fold: a Meta retry at a new offset moves `through` but counts nothing', () => {
  const once = fold([fact(1)]);
  const retried = evolveConversation(once, fact(7, { wamid: 'wamid.1', first: false }));
  assert.deepEqual(retried.counts, { inbound: 1, outbound: 0 });
  assert.deepEqual(retried._sys.through, { p: 0, o: 7 });
});

test('conversation fold: a redelivery at or below `through` changes nothing (the very same document)', () => {
  const doc = fold([fact(1), fact(2), fact(3)]);
  for (const o of [1, 2, 3]) assert.equal(evolveConversation(doc, fact(o)), doc);
});

// One conversation's log (one partition): inbound messages and echoes, a reaction, and Meta retries (the same item
// delivered again, at later offsets).
const log = [
  inbound(text('wamid.A', 100)),
  echo(text('wamid.B', 101)),
  inbound(text('wamid.C', 102)),
  inbound(text('wamid.A', 100), { receivedAt: 1_700_000_200_000 }), // Meta retry of A
  inbound(reaction('wamid.R', 103, 'wamid.B', '👍')),
  echo(text('wamid.D', 104)),
  inbound(text('wamid.C', 102), { receivedAt: 1_700_000_300_000 }), // Meta retry of C
  inbound(text('wamid.E', 105)),
].map((e, i) => at(e, 10 + i));

test('handler steps: counts are exact (each message once) with Meta retries in the log', () => {
  const clean = runLog(log, 3);
  const conv = clean.conversations.get(conversationId(PHONE, `phone:${CUSTOMER}`))!;
  assert.deepEqual(conv.counts, { inbound: 4, outbound: 2 }, 'A, C, R, E in; B, D out; the retries of A and C count nothing');
  assert.deepEqual(conv._sys.through, { p: 0, o: 17 });
});

test('handler steps: a crash between the messages and the conversations write, at any batch, is repaired by the redelivery', () => {
  const clean = runLog(log, 3);
  for (const batch of [1, 2, 3, 8]) {
    const steps = Math.ceil(log.length / batch);
    for (let step = 0; step < steps; step++) {
      for (const where of ['between-writes', 'before-commit'] as const) {
        for (const batchAfter of [1, batch, 5]) {
          const crashed = runLog(log, batch, [{ step, where }], batchAfter);
          const label = `batch ${batch}, crash ${where} at step ${step}, then batches of ${batchAfter}`;
          assert.deepEqual(crashed.conversations, clean.conversations, label);
          assert.deepEqual(crashed.messages, clean.messages, label);
        }
      }
    }
  }
});

test('handler steps: several crashes in a row (crash again during the redelivery) still end exactly like a clean run', () => {
  const clean = runLog(log, 3);
  const crashes: CrashPoint[] = [
    { step: 1, where: 'between-writes' },
    { step: 2, where: 'between-writes' },
    { step: 3, where: 'before-commit' },
    { step: 5, where: 'between-writes' },
  ];
  assert.deepEqual(runLog(log, 3, crashes, 2), clean);
});

test('handler steps with identities: phone-and-BSUID, BSUID-only and phone-only bodies in every order, a crash at any step (mid-merge too), end in one conversation like a clean run', () => {
  const WA = '5511987654321';
  const BSUID = 'BR.1502576394655843';
  const A = inbound({ ...text('wamid.A', 1_700_000_010), from: WA, from_user_id: BSUID }, { contact: { profile: { name: 'Ana' }, wa_id: WA, user_id: BSUID } });
  const B = inbound({ ...text('wamid.B', 1_700_000_020), from: undefined, from_user_id: BSUID }, { contact: { profile: { name: 'Ana' }, user_id: BSUID } });
  const C = inbound({ ...text('wamid.C', 1_700_000_030), from: WA }, { contact: { profile: { name: 'Ana' }, wa_id: WA } });
  const D = echo(text('wamid.D', 1_700_000_040), {});
  const orders = [
    [B, C, A],
    [C, B, A],
    [A, B, C],
    [B, A, C],
    [C, A, B],
  ];
  const expectedId = conversationId(PHONE, `bsuid:${BSUID}`);
  for (const order of orders) {
    const log = [...order, D].map((e, i) => at(e, i));
    const clean = runLog(log, 1);
    const conv = clean.conversations.get(expectedId);
    assert.ok(conv, 'one conversation under the BSUID');
    assert.deepEqual(
      [...clean.conversations.keys()].filter((id) => id.includes(WA) && id !== expectedId),
      [],
      'no conversation left under the phone',
    );
    assert.deepEqual(conv.counts, { inbound: 3, outbound: 0 });
    for (let step = 0; step < log.length; step++) {
      for (const where of ['between-writes', 'mid-merge', 'before-commit'] as const) {
        const crashed = runLog(log, 1, [{ step, where }], 2);
        assert.deepEqual(crashed.conversations.get(expectedId)?.counts, conv.counts, `crash ${where} at ${step}`);
        assert.deepEqual([...crashed.conversations.keys()].sort(), [...clean.conversations.keys()].sort(), `crash ${where} at ${step}: the same conversations`);
      }
    }
  }
});
