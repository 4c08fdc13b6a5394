import { consumerTopics, diffDatabasesAt } from '@wabus/ops';
import { parseCommandArgs } from '../../parse-command-args.ts';
import { positiveInt, UsageError } from '../../usage-error.ts';
import type { Print } from './output.ts';
import { requireService } from './plan-service-replay.ts';
import { consumerDefaults } from '@wabus/service/registry';

export const diffOptions = {
  service: { type: 'string' },
  label: { type: 'string' },
  'shadow-db': { type: 'string' },
  'live-db': { type: 'string' },
  database: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const parseDiffArgs = (args: string[]) => parseCommandArgs('replay diff', args, diffOptions);

const mongoUri = () => process.env['MONGODB_URI'] ?? 'mongodb://127.0.0.1:27017/?directConnection=true';

export async function diffCommand(args: string[], print: Print): Promise<number> {
  const values = parseDiffArgs(args);
  const name = requireService(values.service);
  consumerTopics(name);
  const liveDb = values['live-db'] ?? values.database ?? consumerDefaults(name).database;
  if ((values.label === undefined) === (values['shadow-db'] === undefined)) throw new UsageError('replay diff needs exactly one of --label or --shadow-db');
  const shadowDb = values['shadow-db'] ?? `${liveDb}__shadow_${values.label}`;
  const limit = positiveInt(values.limit, '--limit', 20);
  const d = await diffDatabasesAt(mongoUri(), liveDb, shadowDb, { detailLimit: limit });
  if (values.json) {
    print(JSON.stringify(d, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    return d.totals.identical ? 0 : 3;
  }
  const id = (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x));
  print(`${'collection'.padEnd(24)}${'live'.padStart(9)}${'shadow'.padStart(9)}${'added'.padStart(8)}${'removed'.padStart(9)}${'changed'.padStart(9)}`);
  for (const c of d.collections)
    print(
      `${c.name.padEnd(24)}${String(c.live).padStart(9)}${String(c.shadow).padStart(9)}${String(c.added.length).padStart(8)}${String(c.removed.length).padStart(9)}${String(c.changed.length).padStart(9)}`,
    );
  for (const c of d.collections) {
    for (const x of c.added.slice(0, limit)) print(`+ ${c.name} ${id(x)}  (only in the shadow)`);
    for (const x of c.removed.slice(0, limit)) print(`- ${c.name} ${id(x)}  (only in the live database)`);
    for (const x of c.changed.slice(0, limit)) print(`~ ${c.name} ${id(x.id)}  ${x.fields.join(', ')}`);
  }
  print(
    `summary: ${d.totals.identical ? 'identical' : `${d.totals.added} added, ${d.totals.removed} removed, ${d.totals.changed} changed`} (${shadowDb} vs ${liveDb})`,
  );
  // Like diff(1): 0 identical, 3 different (1 and 2 are errors and usage).
  return d.totals.identical ? 0 : 3;
}
