import { parseArgs } from 'node:util';
import type { RecordHeaders as IHeaders } from '@wabus/kafka';
import { decodeEvent } from '@wabus/events';
import { cliKafka } from '../kafka-target.ts';
import { positiveInt, UsageError } from '../usage-error.ts';

const headersToText = (h: IHeaders | undefined) =>
  Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : v === undefined ? null : String(v)]));

/** An event as JSON: raw item and contact as the JSON text they are (they are byte slices of a JSON body). */
export function eventToJson(value: Buffer) {
  const e = decodeEvent(value);
  return { ...e, raw: e.raw.toString('utf8'), contact: e.contact ? e.contact.toString('utf8') : null };
}

export async function eventsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'tail') throw new UsageError(`unknown events command ${JSON.stringify(sub ?? '')}`);
  const { values } = parseArgs({
    args: rest,
    options: { topic: { type: 'string' }, 'from-beginning': { type: 'boolean' }, max: { type: 'string' }, key: { type: 'string' } },
    strict: true,
  });
  const topic = values.topic ?? 'whatsapp.events.v1';
  const max = positiveInt(values.max, '--max', Number.POSITIVE_INFINITY);
  const isRaw = topic.includes('.raw.');
  const { kafka } = cliKafka('wabus-cli-tail');
  const consumer = kafka.consumer({ groupId: `wabus-cli-tail-${process.pid}-${Date.now()}`, allowAutoTopicCreation: false });
  await consumer.connect();
  let printed = 0;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  process.once('SIGINT', () => finish());
  await consumer.subscribe({ topic, fromBeginning: values['from-beginning'] ?? false });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (printed >= max) return;
      const key = message.key?.toString('utf8') ?? null;
      if (values.key !== undefined && key !== values.key) return;
      const line: Record<string, unknown> = {
        topic,
        partition,
        offset: message.offset,
        key,
        timestamp: message.timestamp,
        headers: headersToText(message.headers),
      };
      if (message.value === null) line['value'] = null;
      else if (isRaw) line['body'] = message.value.toString('utf8');
      else {
        try {
          line['event'] = eventToJson(message.value);
        } catch (err) {
          line['error'] = { code: (err as { code?: string }).code ?? 'DECODE_FAILED', message: (err as Error).message };
          line['valueBase64'] = message.value.toString('base64');
        }
      }
      process.stdout.write(`${JSON.stringify(line)}\n`);
      if (++printed >= max) finish();
    },
  });
  await done;
  await consumer.disconnect();
  return 0;
}
