import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpen, localWeekTime } from './business-hours.ts';
import type { BusinessHours } from './rule-types.ts';

const closed = { sun: [], mon: [], tue: [], wed: [], thu: [], fri: [], sat: [] };

test('business hours: local weekday and time through Intl, across daylight saving', () => {
  // Berlin switches to summer time on Sunday 30 March 2025 at 01:00 UTC.
  assert.deepEqual(localWeekTime('Europe/Berlin', Date.UTC(2025, 2, 30, 0, 30)), { day: 'sun', minute: 90 });
  assert.deepEqual(localWeekTime('Europe/Berlin', Date.UTC(2025, 2, 30, 1, 30)), { day: 'sun', minute: 210 });
  // Midnight is 00:00, not 24:00; the local day can differ from the UTC day.
  assert.deepEqual(localWeekTime('Asia/Tokyo', Date.UTC(2025, 5, 1, 15, 0)), { day: 'mon', minute: 0 });
  assert.deepEqual(localWeekTime('America/Sao_Paulo', Date.UTC(2025, 5, 2, 2, 0)), { day: 'sun', minute: 23 * 60 });
});

test('business hours: open inside an interval [from, to), closed outside and on days without hours', () => {
  const hours: BusinessHours = { timeZone: 'Europe/Berlin', weekly: { ...closed, mon: [{ from: 9 * 60, to: 18 * 60 }], sat: [{ from: 0, to: 1440 }] } };
  // Monday 2 June 2025: Berlin is UTC+2.
  assert.equal(isOpen(hours, Date.UTC(2025, 5, 2, 6, 59)), false);
  assert.equal(isOpen(hours, Date.UTC(2025, 5, 2, 7, 0)), true);
  assert.equal(isOpen(hours, Date.UTC(2025, 5, 2, 15, 59)), true);
  assert.equal(isOpen(hours, Date.UTC(2025, 5, 2, 16, 0)), false);
  assert.equal(isOpen(hours, Date.UTC(2025, 5, 3, 10, 0)), false, 'Tuesday has no hours');
  assert.equal(isOpen(hours, Date.UTC(2025, 5, 7, 21, 59)), true, 'Saturday 23:59 local, open all day');
});
