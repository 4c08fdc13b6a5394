import { parseArgs } from 'node:util';
import { applyTopics, describeTopics } from '@wabus/kafka';
import { cliKafka } from '../kafka-target.ts';
import { defaultTopicsFile, loadWabusTopics } from '../repo-paths.ts';
import { UsageError } from '../usage-error.ts';

export async function topicsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { file: { type: 'string' }, 'dry-run': { type: 'boolean' } }, strict: true });
  const file = values.file ?? defaultTopicsFile;
  const defs = await loadWabusTopics(file);
  const { kafka, brokers } = cliKafka();
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (sub === 'apply') {
      const report = await applyTopics(admin, defs, { dryRun: values['dry-run'] ?? false });
      for (const t of report.created) console.log(`created   ${t}`);
      for (const t of report.missing) console.log(`missing   ${t} (dry run: would create)`);
      for (const t of report.unchanged) console.log(`ok        ${t}`);
      for (const d of report.drift) console.log(`DRIFT     ${d.topic}: ${d.setting} is ${d.actual}, defined as ${d.expected}`);
      console.log(`${brokers.join(',')}: ${report.created.length} created, ${report.unchanged.length} unchanged, ${report.drift.length} drifted setting(s)`);
      return report.drift.length > 0 ? 3 : 0;
    }
    if (sub === 'describe') {
      const states = await describeTopics(
        admin,
        defs.map((d) => d.name),
        [...new Set(defs.flatMap((d) => Object.keys(d.config)))],
      );
      for (const s of states) console.log(JSON.stringify(s));
      return 0;
    }
    throw new UsageError(`unknown topics command ${JSON.stringify(sub ?? '')}`);
  } finally {
    await admin.disconnect();
  }
}
