import { loadTenantsFile } from '@wabus/tenants';
import { OpsError, parseSince, rederiveEvents } from '@wabus/ops';
import { cliKafka } from '../../kafka-target.ts';
import { parseCommandArgs } from '../../parse-command-args.ts';
import { UsageError } from '../../usage-error.ts';
import { progressPrinter, type Print } from './output.ts';
import { now } from './positions.ts';

export const rederiveOptions = {
  since: { type: 'string' },
  until: { type: 'string' },
  'only-missing': { type: 'boolean' },
  'as-replay': { type: 'boolean' },
  'tenants-file': { type: 'string' },
  id: { type: 'string' },
  topic: { type: 'string' },
  'raw-topic': { type: 'string' },
  execute: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export const parseRederiveArgs = (args: string[]) => parseCommandArgs('replay rederive', args, rederiveOptions);

export async function rederiveCommand(args: string[], print: Print): Promise<number> {
  const values = parseRederiveArgs(args);
  if (values.since === undefined) throw new UsageError('replay rederive needs --since (ISO time or a duration back such as 24h)');
  const sinceMs = parseSince(values.since, now);
  const untilMs = values.until !== undefined ? parseSince(values.until, now) : undefined;
  if (untilMs !== undefined && untilMs <= sinceMs) throw new OpsError('WABUS_OPS_BAD_TIME', { message: '--until must be after --since' });
  const { kafka } = cliKafka('wabus-cli-rederive');
  const bars = { read: progressPrinter('reading'), produce: progressPrinter('appending') };
  const report = await rederiveEvents(kafka, {
    onProgress: (phase, done, total) => bars[phase].update(BigInt(done), BigInt(total)),
    rawTopic: values['raw-topic'] ?? 'whatsapp.webhooks.raw.v1',
    eventsTopic: values.topic ?? 'whatsapp.events.v1',
    sinceMs,
    ...(untilMs !== undefined ? { untilMs } : {}),
    onlyMissing: values['only-missing'] === true,
    asReplay: values['as-replay'] === true,
    ...(values['tenants-file'] !== undefined ? { tenants: loadTenantsFile(values['tenants-file']) } : {}),
    execute: values.execute === true,
    ...(values.id !== undefined ? { id: values.id } : {}),
  });
  bars.read.end();
  if (report.executed) bars.produce.end();
  if (values.json) {
    print(JSON.stringify(report));
    return 0;
  }
  const q = Object.entries(report.quarantined)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  print(
    `raw records       ${report.rawRecords} (${report.accepted} accepted, of which ${report.nowAccepted} quarantined at ingress; still quarantined: ${q || 'none'}; foreign ${report.foreign})`,
  );
  if (report.pieces > 0)
    print(`pieces            ${report.pieces} (bodies too large for the raw topic; ${report.incomplete} body(ies) missing pieces in this range)`);
  print(
    `derived events    ${report.events} (${report.alreadyOnTopic} already on the topic, ${report.missing} missing; ${report.repeated} derived again from repeated bodies)`,
  );
  if (report.executed)
    print(
      `summary: ${report.produced} event record(s) appended by ${report.id}${values['as-replay'] ? ' marked as replay' : ''}; consumers deduplicate the ones they had`,
    );
  else
    print(
      `summary (dry run): ${values['only-missing'] ? report.missing : report.events} event record(s) would be appended; nothing was written — add --execute`,
    );
  return 0;
}
