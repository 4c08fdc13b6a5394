import { test } from 'node:test';
import assert from 'node:assert/strict';
import { produceRecords, scrapeMetrics } from '@wabus/testing';
import { changeBody, DISPLAY, PHONE_ID, templateStatusValue, WABA } from './account-events.test-support.ts';
import { accountWorkload, recordsOf } from './account-workload.test-support.ts';
import { createTopics, startAccountStateForTest, testDatabase, testKafka } from './account-state.test-support.ts';

test('/metrics: a flagged number, a paused template and a WABA scheduled for a ban show as the series the alert rules use; cleared, they go', async (t) => {
  const kafka = testKafka();
  const { topic, dlqTopic } = await createTopics(t, kafka);
  await produceRecords(kafka, topic, accountWorkload('acme').records);
  const service = await startAccountStateForTest(t, { topic, dlqTopic, database: testDatabase(t) });
  await service.runtime.whenApplied();

  let scrape = await scrapeMetrics(service.app);
  assert.deepEqual(scrape.series('wabus_account_state_template_unusable'), {
    [`language=en_US,status=PAUSED,template=order_update,tenant=acme,waba_id=${WABA}`]: 1,
  });
  assert.deepEqual(scrape.series('wabus_account_state_phone_number_flagged'), {
    [`phone_number=${DISPLAY},phone_number_id=${PHONE_ID},reason=FLAGGED,tenant=acme,waba_id=${WABA}`]: 1,
  });
  assert.deepEqual(scrape.series('wabus_account_state_waba_restricted'), { [`reason=ban_scheduled,tenant=acme,waba_id=${WABA}`]: 1 });

  // Meta approves the template again, unflags the number, reinstates the WABA: every series goes.
  let at = Date.UTC(2026, 1, 1);
  await produceRecords(kafka, topic, [
    ...recordsOf(changeBody('message_template_status_update', templateStatusValue({ event: 'APPROVED', time: 5_000 }), 5_000), (at += 1), 'acme'),
    ...recordsOf(
      changeBody('phone_number_quality_update', { display_phone_number: DISPLAY, event: 'UNFLAGGED', current_limit: 'TIER_1K' }, 5_000),
      (at += 1),
      'acme',
    ),
    ...recordsOf(changeBody('account_update', { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'REINSTATE' } }, 5_000), (at += 1), 'acme'),
    // ...and disables another template.
    ...recordsOf(
      changeBody('message_template_status_update', templateStatusValue({ event: 'DISABLED', time: 5_000, name: 'promo' }), 5_000),
      (at += 1),
      'acme',
    ),
  ]);
  await service.runtime.whenApplied();
  scrape = await scrapeMetrics(service.app);
  assert.deepEqual(scrape.series('wabus_account_state_template_unusable'), {
    [`language=en_US,status=DISABLED,template=promo,tenant=acme,waba_id=${WABA}`]: 1,
  });
  assert.deepEqual(scrape.series('wabus_account_state_phone_number_flagged'), {});
  assert.deepEqual(scrape.series('wabus_account_state_waba_restricted'), {});
});
