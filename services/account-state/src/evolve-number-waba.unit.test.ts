import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash } from '@wabus/projection';
import { explodeWebhook } from '@wabus/events';
import { changeEvent, DISPLAY, everyOrder, foldAll, numberFact, PHONE_ID, WABA, wabaFact } from './account-events.test-support.ts';
import type { PhoneNumberFact, WabaFact } from './account-fact.ts';
import { wabaView } from './account-views.ts';
import { evolvePhoneNumber } from './evolve-phone-number.ts';
import { evolveWaba } from './evolve-waba.ts';
import { readAccountFacts } from './read-account-facts.ts';

const quality = (event: string, time: number, display = DISPLAY) =>
  numberFact(changeEvent('phone_number_quality_update', { display_phone_number: display, event, current_limit: 'TIER_10K' }, time));
const account = (value: object, time: number) => wabaFact(changeEvent('account_update', value, time));
const sameInEveryOrder = <D extends object, F>(facts: F[], evolve: (d: D | null, f: F) => D): D => {
  const first = foldAll(facts, evolve)!;
  for (const order of everyOrder(facts)) assert.equal(contentHash(foldAll(order, evolve)! as never), contentHash(first as never));
  return first;
};

/** The number identity an inbound message carries (metadata: phone_number_id and display_phone_number). */
function identityFrom(time: number, phoneNumberId = PHONE_ID, wabaId = WABA): PhoneNumberFact {
  const body = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: DISPLAY, phone_number_id: phoneNumberId },
              messages: [{ from: '5511999990000', id: `wamid.${time}`, timestamp: String(time), type: 'text', text: { body: 'hi' } }],
            },
          },
        ],
      },
    ],
  };
  const exploded = explodeWebhook(Buffer.from(JSON.stringify(body)), { receivedAt: 0 });
  assert.ok(exploded.ok);
  const read = readAccountFacts(exploded.events[0]!);
  assert.equal(read.kind, 'other', 'a message is not an account change');
  return read.kind === 'other' ? (read.facts[0] as PhoneNumberFact) : assert.fail();
}

test('number: FLAGGED then UNFLAGGED by Meta time, in every order, is unflagged; the reverse is flagged and alerting', () => {
  let doc = sameInEveryOrder([quality('FLAGGED', 10), quality('UNFLAGGED', 20), quality('UPGRADE', 5)], evolvePhoneNumber);
  assert.deepEqual([doc.quality?.value, doc.alert, doc.history.length], ['UNFLAGGED', null, 3]);
  doc = sameInEveryOrder([quality('UNFLAGGED', 10), quality('FLAGGED', 20), quality('UPGRADE', 5)], evolvePhoneNumber);
  assert.deepEqual([doc.quality?.value, doc.alert, doc.quality?.detail['currentLimit']], ['FLAGGED', 'FLAGGED', 'TIER_10K']);
  doc = sameInEveryOrder([quality('FLAGGED', 30), quality('UNFLAGGED', 30)], evolvePhoneNumber);
  assert.equal(doc.alert, 'FLAGGED', 'at equal Meta time, flagged wins');
});

test('number: its Meta id and WABA are joined from events with metadata, in any order with its account changes', () => {
  const name = numberFact(
    changeEvent(
      'phone_number_name_update',
      { display_phone_number: DISPLAY, decision: 'APPROVED', requested_verified_name: 'Acme', rejection_reason: null },
      50,
    ),
  );
  const doc = sameInEveryOrder([quality('FLAGGED', 10), identityFrom(40), name, identityFrom(20, '999')], evolvePhoneNumber);
  assert.deepEqual([doc._id, doc.phoneNumberId, doc.wabaId, doc.name?.value, doc.history.length], [DISPLAY, PHONE_ID, WABA, 'APPROVED', 2]);
  assert.deepEqual(doc.identity, { phoneNumberId: PHONE_ID, wabaId: WABA, timestamp: 40 }, 'the latest identity');
  assert.equal(quality('FLAGGED', 1, '+1 555-078-3881').id, DISPLAY, 'display numbers compare by digits');
});

test('WABA: ban, restriction, violation and alerts each show their latest by Meta time, in every order', () => {
  const facts: WabaFact[] = [
    account({ event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'SCHEDULE_FOR_DISABLE', waba_ban_date: 'DATE' } }, 10),
    account({ event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: ['REINSTATE'], waba_ban_date: 'DATE' } }, 20),
    account({ event: 'ACCOUNT_RESTRICTION', restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 2_000 }] }, 30),
    account({ event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'SCAM' } }, 5),
    wabaFact(
      changeEvent(
        'account_alerts',
        {
          entity_type: 'PHONE_NUMBER',
          entity_id: PHONE_ID,
          alert_info: { alert_severity: 'CRITICAL', alert_status: 'ACTIVE', alert_type: 'OBA_REJECTED', alert_description: 'x' },
        },
        40,
      ),
    ),
  ];
  const doc = sameInEveryOrder(facts, evolveWaba);
  assert.deepEqual(
    [doc.ban?.value, doc.restriction?.value, doc.restriction?.detail['until'], doc.violation?.value, doc.alert],
    ['REINSTATE', 'RESTRICTED', 2_000, 'SCAM', 'RESTRICTED'],
  );
  assert.deepEqual(
    doc.alerts.map((a) => [a.aspect, a.value]),
    [[`alert/PHONE_NUMBER/${PHONE_ID}/OBA_REJECTED`, 'ACTIVE']],
  );
  assert.equal(wabaView(doc, 1_999).alert, 'RESTRICTED');
  assert.equal(wabaView(doc, 2_000).alert, null, 'a restriction whose end has passed is over');
  const banned = sameInEveryOrder([...facts, account({ event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE' } }, 50)], evolveWaba);
  assert.equal(banned.alert, 'BANNED');
  const lifted = sameInEveryOrder([...facts, account({ event: 'ACCOUNT_RESTRICTION' }, 60)], evolveWaba);
  assert.deepEqual([lifted.restriction?.value, lifted.alert], ['NONE', null]);
});

test('bad account changes are invalid with a reason; unknown fields, messages and statuses are not account changes', () => {
  const invalid = (field: string, value: unknown) => readAccountFacts(changeEvent(field, value, 1));
  assert.match(String((invalid('message_template_status_update', { event: 'APPROVED' }) as { reason: string }).reason), /names no template/);
  assert.match(
    String(
      (invalid('message_template_status_update', { event: 'APPROVED', message_template_name: 'x', message_template_language: 7 }) as { reason: string }).reason,
    ),
    /names no template/,
  );
  assert.match(String((invalid('phone_number_quality_update', { event: 'FLAGGED' }) as { reason: string }).reason), /names no business number/);
  assert.equal(invalid('calls', { calls: [] }).kind, 'other');
  assert.equal(invalid('account_update', {}).kind, 'change', 'an account_update without an event is history');
  assert.equal(readAccountFacts({ ...changeEvent('account_update', {}, 1), raw: Buffer.from('[1]') }).kind, 'invalid');
  const long = 'x'.repeat(100_000);
  const kept = wabaFact(changeEvent('account_update', { event: long }, 1));
  assert.ok(String(kept.entry.value).length < 600, 'strings are bounded');
});
