import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash } from '@wabus/projection';
import { createRng } from '@wabus/simulator';
import { evolveSend, evolveStatus } from './evolve-status.ts';
import type { SendFact } from './send-fact.ts';
import type { StatusFact } from './status-fact.ts';
import type { StatusDocument } from './status-document.ts';
import { error, fact, permutations } from './fact.test-support.ts';

type Fact = { send: SendFact } | { status: StatusFact };
const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const send = (over: Partial<SendFact> = {}): SendFact => ({
  wamid: 'wamid.A',
  sendId: 'snd_b',
  tenantId: 'acme',
  phoneNumberId: '1065',
  type: 'template',
  at: '2026-01-02T03:04:05.000Z',
  traceparent: TP,
  ...over,
});
const step = (d: StatusDocument | null, f: Fact) => ('send' in f ? evolveSend(d, f.send) : evolveStatus(d, f.status));
const fold = (facts: readonly Fact[], from: StatusDocument | null = null): StatusDocument => {
  const doc = facts.reduce<StatusDocument | null>(step, from);
  assert.ok(doc);
  return doc;
};
const bytes = (doc: StatusDocument) => `${JSON.stringify(doc)}#${contentHash(doc)}`;

const STATUSES: Fact[] = [
  { status: fact('sent', 100, { tenantId: 'acme' }) },
  { status: fact('read', 130, { bizOpaqueCallbackData: 'order=1' }) },
  { status: fact('failed', 120, { errors: [error(131047)] }) },
];
// The send, the same send appended again by the sender's sweep (no traceparent), and a second send of one wamid.
const SENDS: Fact[] = [{ send: send() }, { send: send({ traceparent: null, at: '2026-01-02T03:04:06.000Z' }) }, { send: send({ sendId: 'snd_c' }) }];

test('join: statuses and sends of one wamid in all 720 orders, with duplicates, give one byte-identical document: the least sendId, its traceparent kept', () => {
  const rng = createRng('send-perm');
  const docs = new Set<string>();
  for (const order of permutations([...STATUSES, ...SENDS])) {
    docs.add(bytes(fold(order)));
    const withDuplicates = [...order];
    for (let i = 0; i < 3; i++) withDuplicates.splice(rng.int(0, withDuplicates.length), 0, rng.pick(order));
    docs.add(bytes(fold(withDuplicates)));
  }
  assert.equal(docs.size, 1, [...docs].join('\n'));
  const doc = fold([...STATUSES, ...SENDS]);
  assert.deepEqual(doc.send, { sendId: 'snd_b', tenantId: 'acme', phoneNumberId: '1065', type: 'template', at: '2026-01-02T03:04:05.000Z', traceparent: TP });
  assert.equal(doc.status, 'failed');
});

test('join: a send changes nothing but `send`: the document equals the statuses-only fold with the send set', () => {
  const statusesOnly = fold(STATUSES);
  assert.equal(statusesOnly.send, null);
  assert.equal(bytes(fold([...STATUSES, SENDS[0]!])), bytes({ ...fold([SENDS[0]!, ...STATUSES]) }));
  const { send: joined, ...rest } = fold([SENDS[0]!, ...STATUSES]);
  assert.deepEqual(rest, (({ send: _s, ...r }) => r)(statusesOnly));
  assert.equal(joined?.sendId, 'snd_b');
  // Applying anything again changes nothing (idempotent).
  for (const f of [...STATUSES, ...SENDS]) assert.equal(bytes(step(fold([...STATUSES, ...SENDS]), f)), bytes(fold([...STATUSES, ...SENDS])));
});

test('join: a send before any status makes a document with the send and nothing else: status null, no history, no number or tenant of its own', () => {
  const doc = evolveSend(null, send());
  assert.deepEqual(
    { ...doc, send: doc.send?.sendId },
    {
      _id: 'wamid.A',
      phoneNumberId: null,
      tenantId: null,
      send: 'snd_b',
      status: null,
      progress: null,
      firstSeen: {},
      sentAt: null,
      deliveredAt: null,
      readAt: null,
      firstTimestamp: null,
      lastTimestamp: null,
      recipient: { id: null, userId: null, type: null, participantIds: [], participantUserIds: [] },
      pricing: null,
      conversation: null,
      bizOpaqueCallbackData: null,
      errors: [],
      history: [],
    },
  );
});

test('join: a document stored before sends (no send field) folds to the same bytes as a fresh fold', () => {
  const { send: _dropped, ...old } = fold(STATUSES);
  const stored = JSON.parse(JSON.stringify({ ...old, _h: contentHash(old) })) as StatusDocument;
  assert.equal('send' in stored, false);
  assert.equal(bytes(evolveSend(stored, send())), bytes(fold([...STATUSES, SENDS[0]!])));
  const next = evolveStatus(stored, fact('delivered', 110));
  assert.equal(next.send, null, 'null, never undefined (the content hash needs the field)');
  assert.equal(bytes(next), bytes(fold([...STATUSES, { status: fact('delivered', 110) }])));
});
