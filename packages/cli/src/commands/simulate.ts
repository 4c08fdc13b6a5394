import { parseArgs } from 'node:util';
import { formatReport, runSimulation } from '@wabus/simulator';
import { duration, fraction, positiveInt, UsageError } from '../usage-error.ts';
import { DEV_DEFAULTS } from './dev.ts';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

export async function simulateCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      secret: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      kinds: { type: 'string' },
      duplicates: { type: 'string' },
      batch: { type: 'string' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      'allow-remote': { type: 'boolean' },
    },
    strict: true,
  });
  const url = values.url ?? `http://${DEV_DEFAULTS['INGRESS_HOST']}:${DEV_DEFAULTS['INGRESS_PORT']}/webhook`;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new UsageError(`--url is not a URL: ${JSON.stringify(url)}`);
  }
  if (!LOOPBACK.test(host) && !values['allow-remote']) {
    throw new UsageError(`--url ${url} is not on loopback; pass --allow-remote to load a remote endpoint deliberately`);
  }
  const secret =
    values.secret ?? process.env['WHATSAPP_APP_SECRETS']?.split(',')[0]?.split('=').pop() ?? DEV_DEFAULTS['WHATSAPP_APP_SECRETS']!.split('=').pop()!;
  const rate = values.rate === '0' ? 0 : positiveInt(values.rate, '--rate', 10);
  const report = await runSimulation({
    url,
    secret,
    rate,
    durationMs: duration(values.duration, '--duration', 10_000),
    ...(values.kinds !== undefined ? { kinds: values.kinds.split(',').map((k) => k.trim()) } : {}),
    duplicates: fraction(values.duplicates, '--duplicates', 0),
    batch: positiveInt(values.batch, '--batch', 1),
    concurrency: positiveInt(values.concurrency, '--concurrency', 16),
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
    onProgress: values.json
      ? undefined
      : (p) =>
          process.stderr.write(
            `\r${(p.elapsedMs / 1000).toFixed(1)}s sent ${p.sent} accepted ${p.accepted} rejected ${p.rejected} unavailable ${p.unavailable} errors ${p.errors}   `,
          ),
  });
  if (!values.json) process.stderr.write('\n');
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
  return report.sent > 0 && report.accepted === 0 ? 1 : 0;
}
