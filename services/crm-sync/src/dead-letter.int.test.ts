import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DLQ_HEADERS } from '@wabus/kafka';
import { startCrmStandIn } from '@wabus/standins';
import { deliverItems, readTopic } from '@wabus/testing';
import type { contactView } from './contact-routes.ts';
import { asJson, contactsOfRecord, crmWorkload, expectedContacts } from './crm-workload.test-support.ts';
import { createTopics, crmSyncEnv, produce, SECRET, startCrmSync, testDatabase, testKafka, TOKEN } from './crm-sync.test-support.ts';

for (const batch of [true, false]) {
  test(`crm-sync (${batch ? 'batch' : 'one PUT per contact'}): a contact the CRM refuses with a 4xx sends its events to the DLQ with request and response; the others sync`, async (t) => {
    const kafka = testKafka();
    const records = deliverItems(crmWorkload({ seed: 'dlq', items: 250, customers: 8 }), { seed: 'dlq-order', maxPerBody: 2 });
    const expected = expectedContacts(records);
    // A customer known by one id only: every event about them is filed under that contact from the first on (one
    // known by two ids may have had earlier events synced under the other id before a body linked them).
    const bad = [...expected.values()].filter((c) => c.aliases.length === 1)[1]!.id;
    const touches = (value: Buffer, id: string) => contactsOfRecord(records, value).includes(id);
    const { topic, dlqTopic } = await createTopics(t, kafka);
    await produce(kafka, topic, records);
    const crm = await startCrmStandIn({ secret: SECRET, token: TOKEN });
    t.after(() => crm.close());
    crm.reject((id) => id === bad, { status: 422, body: { error: 'invalid_phone', detail: 'waId is not a callable number' } });
    const service = await startCrmSync(
      t,
      crmSyncEnv({ topic, dlqTopic, database: testDatabase(t), crmUrl: crm.url, extra: { CRM_BATCH: String(batch), WABUS_MAX_BATCH: '60' } }),
    );
    await service.runtime.whenApplied();

    expected.delete(bad);
    assert.deepEqual(asJson(crm.contacts), asJson(expected), 'every other contact holds its exact state');
    const dlq = await readTopic(kafka, dlqTopic);
    assert.equal(dlq.length, records.filter((r) => touches(r.value, bad)).length, 'each event about the refused contact, once');
    for (const d of dlq) {
      assert.ok(touches(d.value!, bad));
      assert.equal(d.headers[DLQ_HEADERS.code], 'WABUS_CRM_REJECTED');
      assert.equal(d.headers[DLQ_HEADERS.topic], topic);
      const message = d.headers[DLQ_HEADERS.message]!;
      assert.match(message, new RegExp(`refused contact ${bad} with HTTP 422`));
      assert.match(message, /invalid_phone.*not a callable number/, 'the response body');
      assert.match(
        message,
        batch ? /request: POST \/contacts\/batch item \{"idempotencyKey":"[0-9a-f]{64}","contact":\{"id":/ : /request: PUT \/contacts\/\S+ \{"id":/,
        'the request body',
      );
      assert.ok(message.length <= 2_000);
    }
    const view = (await service.app.inject({ url: `/v1/contacts/${bad}` })).json<ReturnType<typeof contactView>>();
    assert.equal(view.sync.status, 'rejected');
    assert.equal(view.sync.rejected?.status, 422);
    const unsynced = (await service.app.inject({ url: '/v1/contacts?unsynced=true' })).json<{ contacts: { id: string }[] }>();
    assert.deepEqual(
      unsynced.contacts.map((c) => c.id),
      [bad],
    );
    assert.ok(service.runtime.ready(), 'a refusal never pauses the stream');
  });
}
