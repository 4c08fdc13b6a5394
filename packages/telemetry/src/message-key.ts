/**
 * `messaging.kafka.message.key` as wabus exports it: the customer part of an event key masked like the logs mask
 * customer numbers (all but the last four characters), the business part kept. `106540352242922:4915112345678` →
 * `106540352242922:*********5678`.
 *
 * Since events v2 a key is the business number (or the WABA id) and is kept as it is; records written before v2
 * are keyed `<phone_number_id>:<customer id>`, the customer id being the customer's phone number (`wa_id`), and
 * replays and re-drives still carry those. Spans leave wabus for a tracing backend whose readers and retention wabus does not control, so they get
 * no more of a phone number than the logs do by default. Nothing is lost for finding a record: `wabus.event_id`, the
 * partition and the offset identify it exactly, the business number stays searchable, and the last four digits match
 * the masked numbers in log lines. Keys without a `:` (`<phone_number_id>`, or the WABA id for account-level events)
 * name the business only and are kept as they are.
 */
export function spanMessageKey(key: string): string {
  const colon = key.indexOf(':');
  if (colon < 0) return key;
  const customer = key.slice(colon + 1);
  const shown = customer.length <= 4 ? '' : customer.slice(-4);
  return `${key.slice(0, colon + 1)}${'*'.repeat(customer.length - shown.length)}${shown}`;
}
