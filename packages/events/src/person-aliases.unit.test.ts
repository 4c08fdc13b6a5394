import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explodeWebhook } from './explode.ts';
import { personAliases, personIdOf } from './person-aliases.ts';

const body = (value: object, field = 'messages') =>
  Buffer.from(
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'W', changes: [{ field, value: { metadata: { phone_number_id: 'N' }, ...value } }] }],
    }),
  );
const aliasesOf = (value: object, field?: string) => {
  const r = explodeWebhook(body(value, field), { receivedAt: 1 });
  assert.ok(r.ok);
  return personAliases(r.events[0]!);
};

describe('person aliases', () => {
  it('are the phone, BSUID and parent BSUID an item names, typed, sorted, never the username', () => {
    assert.deepEqual(
      aliasesOf({
        contacts: [{ profile: { username: '@a' }, wa_id: '5511', user_id: 'BR.1', parent_user_id: 'BR.ENT.1' }],
        messages: [{ from: '5511', from_user_id: 'BR.1', id: 'm', type: 'text' }],
      }),
      ['bsuid:BR.1', 'parent:BR.ENT.1', 'phone:5511'],
    );
    assert.deepEqual(aliasesOf({ messages: [{ from_user_id: 'BR.1', id: 'm', type: 'text' }] }), ['bsuid:BR.1']);
    assert.deepEqual(aliasesOf({ statuses: [{ id: 's', status: 'sent', recipient_type: 'group', recipient_id: 'G' }] }), []);
  });

  it('of a number change hold the old and the new phone and BSUID (Meta, August 2026 shape)', () => {
    const system = {
      from: '5511',
      id: 'm',
      type: 'system',
      system: { type: 'user_changed_number', body: 'User A changed from 5511 to 5521', wa_id: '5521', previous_user_id: 'BR.1', user_id: 'BR.2' },
    };
    assert.deepEqual(aliasesOf({ messages: [system] }), ['bsuid:BR.1', 'bsuid:BR.2', 'phone:5511', 'phone:5521']);
  });

  it('of a BSUID change without a phone hold both BSUIDs; the legacy shapes and a user_id_update change are read too', () => {
    assert.deepEqual(
      aliasesOf({ messages: [{ id: 'm', type: 'system', system: { type: 'user_changed_user_id', previous_user_id: 'BR.1', user_id: 'BR.3' } }] }),
      ['bsuid:BR.1', 'bsuid:BR.3'],
    );
    assert.deepEqual(
      aliasesOf({ messages: [{ from: '5511', id: 'm', type: 'system', system: { type: 'customer_changed_number', customer: '5511', new_wa_id: '5531' } }] }),
      ['phone:5511', 'phone:5531'],
    );
    assert.deepEqual(
      aliasesOf(
        { contacts: [{ wa_id: '5511' }], user_id_update: [{ wa_id: '5511', user_id: { previous: 'BR.1', current: 'BR.4' }, timestamp: 1 }] },
        'user_id_update',
      ),
      ['bsuid:BR.1', 'bsuid:BR.4', 'phone:5511'],
    );
  });

  it('name a person by the smallest alias: its BSUID when it has one, whatever order they come in', () => {
    assert.equal(personIdOf(['phone:5511', 'bsuid:BR.9', 'bsuid:BR.1']), 'bsuid:BR.1');
    assert.equal(personIdOf(['phone:5521', 'phone:5511']), 'phone:5511');
    assert.throws(() => personIdOf([]), RangeError);
  });
});
