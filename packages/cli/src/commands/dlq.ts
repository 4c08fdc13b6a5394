import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import {
  ACTIONS_TOPIC,
  asCodedError,
  CONSUMER_SERVICES,
  connectAdmin,
  consumerTopics,
  deadLetterJson,
  discardDeadLetters,
  loadDeadLetters,
  matchDeadLetters,
  OpsError,
  parseOffsetRef,
  redriveDeadLetters,
  selectDeadLetters,
  statusOf,
  summarizeDeadLetters,
  type DeadLetter,
  type DeadLetterSelector,
  type Ledger,
} from '@wabus/ops';
import { cliKafka } from '../kafka-target.ts';
import { positiveInt, UsageError } from '../usage-error.ts';

export type Print = (line: string) => void;
const stdout: Print = (line) => process.stdout.write(`${line}\n`);

const OPTIONS = {
  consumer: { type: 'string' },
  topic: { type: 'string' },
  'dlq-topic': { type: 'string' },
  'redrive-topic': { type: 'string' },
  'ledger-topic': { type: 'string' },
  offset: { type: 'string', multiple: true },
  code: { type: 'string' },
  'event-id': { type: 'string' },
  all: { type: 'boolean' },
  status: { type: 'string' },
  limit: { type: 'string' },
  again: { type: 'boolean' },
  execute: { type: 'boolean' },
  reason: { type: 'string' },
  by: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];

function operator(values: Values): string {
  if (values.by !== undefined) return values.by;
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}

function selectorOf(values: Values): DeadLetterSelector {
  return {
    ...(values.offset ? { offsets: values.offset.map(parseOffsetRef) } : {}),
    ...(values.code !== undefined ? { code: values.code } : {}),
    ...(values['event-id'] !== undefined ? { eventId: values['event-id'] } : {}),
    ...(values.all ? { all: true } : {}),
  };
}

const actionText = (ledger: Ledger, id: string): string => {
  const a = ledger.get(id);
  if (!a) return 'pending';
  const where = a.redriveTopic !== undefined ? ` → ${a.redriveTopic}/${a.redrivePartition}/${a.redriveOffset}` : '';
  return `${a.action} ${a.at} by ${a.by}${a.reason !== undefined ? ` (${a.reason})` : ''}${where}`;
};

function showEntry(print: Print, d: DeadLetter, ledger: Ledger): void {
  print(`${d.id}  ${statusOf(ledger, d.id)}  failed ${d.failedAt ?? '?'} in ${d.group ?? '?'}`);
  print(`  error    ${d.error.code}: ${d.error.message}`);
  print(
    `  origin   ${d.source.topic ?? '?'} partition ${d.source.partition ?? '?'} offset ${d.source.offset ?? '?'}  key ${d.key ?? '(none)'}${d.redriveOf ? `  (re-drive of ${d.redriveOf})` : ''}`,
  );
  if (d.event) {
    const e = d.event;
    print(`  event    ${e.eventId}  ${e.kind} ${e.itemType ?? ''} ${e.itemId ?? ''}  received ${new Date(e.receivedAt).toISOString()}`);
    print(`  raw      ${e.raw.toString('utf8').slice(0, 300)}`);
  } else print(`  event    not decodable (${d.decodeError?.code}: ${d.decodeError?.message}); ${d.value?.length ?? 0} bytes`);
  print(`  action   ${actionText(ledger, d.id)}`);
}

export async function dlqCommand(argv: string[], print: Print = stdout): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'list' && sub !== 'show' && sub !== 'redrive' && sub !== 'discard') throw new UsageError(`unknown dlq command ${JSON.stringify(sub ?? '')}`);
  const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true });
  const overrides = { eventsTopic: values.topic, dlqTopic: values['dlq-topic'], redriveTopic: values['redrive-topic'] };
  const ledgerTopic = values['ledger-topic'] ?? ACTIONS_TOPIC;
  if (values.consumer === undefined && (sub !== 'list' || values['dlq-topic'] !== undefined))
    throw new UsageError(`dlq ${sub} needs --consumer (${Object.keys(CONSUMER_SERVICES).join(', ')})`);
  const consumers =
    values.consumer !== undefined ? [consumerTopics(values.consumer, overrides)] : Object.keys(CONSUMER_SERVICES).map((s) => consumerTopics(s, overrides));
  if (sub === 'discard' && (values.reason === undefined || values.reason.trim() === ''))
    throw new OpsError('WABUS_OPS_REASON_REQUIRED', { message: 'dlq discard needs --reason "why these are given up"' });
  const selector = selectorOf(values);
  const limit = positiveInt(values.limit, '--limit', Number.POSITIVE_INFINITY);
  if (values.status !== undefined && !['pending', 'redriven', 'discarded'].includes(values.status))
    throw new UsageError(`--status expects pending, redriven or discarded, got ${JSON.stringify(values.status)}`);

  const { kafka, brokers } = cliKafka('wabus-cli-dlq');
  const admin = await connectAdmin(kafka, { brokers });
  try {
    const { entries, ledger, unreadableLedgerRecords } = await loadDeadLetters(kafka, admin, { dlqTopics: consumers.map((c) => c.dlqTopic), ledgerTopic });
    if (unreadableLedgerRecords > 0)
      process.stderr.write(`wabus: warning: ${unreadableLedgerRecords} record(s) of ${ledgerTopic} are not actions and were ignored\n`);

    if (sub === 'list') {
      const summary = summarizeDeadLetters(
        consumers.map((c) => ({ consumer: c.service, dlqTopic: c.dlqTopic })),
        entries,
        ledger,
      );
      if (values.json) print(JSON.stringify({ consumers: summary }));
      else {
        print(
          `${'consumer'.padEnd(16)}${'code'.padEnd(34)}${'total'.padStart(7)}${'pending'.padStart(9)}${'redriven'.padStart(10)}${'discarded'.padStart(11)}`,
        );
        for (const s of summary) {
          const rows = s.codes.length > 0 ? s.codes : [{ code: '-', total: 0, pending: 0, redriven: 0, discarded: 0 }];
          for (const r of rows)
            print(
              `${s.consumer.padEnd(16)}${r.code.padEnd(34)}${String(r.total).padStart(7)}${String(r.pending).padStart(9)}${String(r.redriven).padStart(10)}${String(r.discarded).padStart(11)}`,
            );
        }
        const sum = (k: 'total' | 'pending' | 'redriven' | 'discarded') => summary.reduce((n, s) => n + s[k], 0);
        print(
          `summary: ${sum('total')} dead letter(s) in ${summary.length} topic(s): ${sum('pending')} pending, ${sum('redriven')} redriven, ${sum('discarded')} discarded`,
        );
      }
      return 0;
    }

    const consumer = consumers[0]!;
    if (sub === 'show') {
      const filtered = selector.offsets || selector.code !== undefined || selector.eventId !== undefined ? matchDeadLetters(entries, selector) : entries;
      const shown = filtered.filter((d) => values.status === undefined || statusOf(ledger, d.id) === values.status).slice(0, limit);
      for (const d of shown) {
        if (values.json) print(JSON.stringify({ ...deadLetterJson(d), status: statusOf(ledger, d.id), action: ledger.get(d.id) ?? null }));
        else showEntry(print, d, ledger);
      }
      if (!values.json) print(`summary: ${shown.length} of ${entries.length} dead letter(s) of ${consumer.dlqTopic} shown`);
      return 0;
    }

    const execute = values.execute === true;
    const by = operator(values);
    const again = values.again === true;
    const { chosen, skipped } = selectDeadLetters(entries, ledger, selector, (s) => s === 'pending' || (sub === 'redrive' && again));
    const verb = sub === 'redrive' ? 'redriven' : 'discarded';
    const report: Record<string, unknown> = {
      command: sub,
      dryRun: !execute,
      consumer: consumer.service,
      dlqTopic: consumer.dlqTopic,
      ledgerTopic,
      by,
      skipped: skipped.map((s) => ({ id: s.entry.id, status: s.status })),
    };
    if (!values.json) {
      for (const s of skipped)
        print(`skip      ${s.entry.id}  already ${actionText(ledger, s.entry.id)}${sub === 'redrive' ? ' (--again to redrive it again)' : ''}`);
      if (!execute)
        for (const d of chosen)
          print(
            `would ${sub === 'redrive' ? 'redrive' : 'discard'}  ${d.id}  ${d.error.code}  event ${d.eventId ?? '?'}${sub === 'redrive' ? ` → ${consumer.redriveTopic}` : ''}`,
          );
    }
    if (sub === 'redrive') {
      report['redriveTopic'] = consumer.redriveTopic;
      if (execute && chosen.length > 0) {
        const done = await redriveDeadLetters(kafka, admin, chosen, { redriveTopic: consumer.redriveTopic, ledgerTopic, by, now: () => new Date() });
        report['redriven'] = done.map((r) => ({ id: r.entry.id, eventId: r.entry.eventId, to: `${r.redriveTopic}/${r.redrivePartition}/${r.redriveOffset}` }));
        if (!values.json)
          for (const r of done) print(`redriven  ${r.entry.id}  event ${r.entry.eventId ?? '?'} → ${r.redriveTopic}/${r.redrivePartition}/${r.redriveOffset}`);
      } else report['wouldRedrive'] = chosen.map((d) => ({ id: d.id, eventId: d.eventId, code: d.error.code }));
    } else {
      report['reason'] = values.reason;
      if (execute && chosen.length > 0) {
        await discardDeadLetters(kafka, admin, chosen, { ledgerTopic, reason: values.reason!, by, now: () => new Date() });
        report['discarded'] = chosen.map((d) => ({ id: d.id, eventId: d.eventId, code: d.error.code }));
        if (!values.json) for (const d of chosen) print(`discarded ${d.id}  ${d.error.code}  event ${d.eventId ?? '?'}`);
      } else report['wouldDiscard'] = chosen.map((d) => ({ id: d.id, eventId: d.eventId, code: d.error.code }));
    }
    if (values.json) print(JSON.stringify(report));
    else if (execute)
      print(
        `summary: ${chosen.length} ${verb}${sub === 'redrive' ? ` to ${consumer.redriveTopic}` : ''} and recorded in ${ledgerTopic} by ${by}; ${skipped.length} skipped`,
      );
    else print(`summary (dry run): ${chosen.length} would be ${verb}, ${skipped.length} skipped; nothing was written — add --execute to ${sub}`);
    return 0;
  } catch (err) {
    throw asCodedError(err);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
