// Test helpers for packages that test against @wabus/ops (the CLI): events and dead letters made as production makes them.
export { CUSTOMER, deadLetterRecord, eventHeaders, KEY, PHONE, testDeadLetter, testEvent } from './test-dead-letter.test-support.ts';
export type { TestDeadLetter } from './test-dead-letter.test-support.ts';
