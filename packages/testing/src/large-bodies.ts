/** What a large legitimate webhook body holds (issue 14): many statuses, or one history-sync chunk. */
export type LargeBodyKind = 'statuses' | 'history';

const WABA = '102290129340398';
const NUMBER = '106540352242922';
const waId = (customer: number) => `4915100${String(customer).padStart(5, '0')}`;

/** A status of an outbound message, as Meta batches them (v23 shape: conversation and pricing). */
const statusItem = (prefix: string, n: number, customers: number) =>
  `{"id":"wamid.${prefix}.${n}","status":"delivered","timestamp":"1731705730","recipient_id":"${waId(n % customers)}",` +
  `"conversation":{"id":"c${prefix}${n}","origin":{"type":"service"}},"pricing":{"billable":true,"pricing_model":"PMP","category":"service"}}`;

/** A message of a history-sync thread (Meta's `history` field: the chats of a number being onboarded). */
const historyMessage = (prefix: string, n: number) =>
  `{"from":"${waId(n % 97)}","id":"wamid.${prefix}.h${n}","timestamp":"1731700000","type":"text",` +
  `"text":{"body":"history message ${n} of ${prefix}: caf\\u00e9 \\ud83d\\ude00 http:\\/\\/x.y"},"history_context":{"status":"READ"}}`;

/**
 * A webhook body of at most `bytes` bytes (and within one item of it) made of one kind of content, every id unique by
 * `prefix` (so concurrent bodies never share an item):
 * - `statuses`: one change with `statuses[]`, recipients spread over `customers` conversations: one event per status.
 * - `history`: one `history` change, a chunk of threads: a single `change` event holding the whole value, so its
 *   event record is as large as the body.
 * Written with Meta's escapes (`\u00e9`, `\/`).
 */
export function largeWebhookBody(opts: { kind: LargeBodyKind; bytes: number; prefix: string; customers?: number }): Buffer {
  const customers = opts.customers ?? 50;
  const meta = `"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"${NUMBER}"}`;
  const [head, tail, item, sep] =
    opts.kind === 'statuses'
      ? [
          `{"object":"whatsapp_business_account","entry":[{"id":"${WABA}","changes":[{"field":"messages","value":{${meta},"statuses":[`,
          `]}}]}]}`,
          (n: number) => statusItem(opts.prefix, n, customers),
          ',',
        ]
      : [
          `{"object":"whatsapp_business_account","entry":[{"id":"${WABA}","changes":[{"field":"history","value":{${meta},"history":[{"metadata":{"phase":0,"chunk_order":1,"progress":50},"threads":[{"id":"${waId(0)}","messages":[`,
          `]}]}]}}]}]}`,
          (n: number) => historyMessage(opts.prefix, n),
          ',',
        ];
  const parts: string[] = [];
  let size = head.length + tail.length;
  for (let n = 0; ; n++) {
    const next = item(n);
    const add = next.length + (n > 0 ? sep.length : 0);
    if (size + add > opts.bytes && n > 0) break;
    parts.push(next);
    size += add;
  }
  return Buffer.from(head + parts.join(sep) + tail);
}
