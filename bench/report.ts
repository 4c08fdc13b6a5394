import { readFile, writeFile } from 'node:fs/promises';
import { formatMachine, type MachineInfo } from './machine.ts';
import type { SectionReport, Table } from './section.ts';

const HEADER = `# Benchmarks

Written by \`pnpm bench\` (\`pnpm bench -- --only <section>\` rewrites one section; \`--quick\` runs short phases and
writes nothing). Each section is replaced whole on every run and says when and where it was measured. The numbers
are from one machine, with Kafka on that same machine: compare rows of one section, not across machines.
`;

const start = (name: string) => `<!-- bench:${name}:start -->`;
const end = (name: string) => `<!-- bench:${name}:end -->`;

function renderTable(t: Table): string {
  const lines = [`| ${t.columns.join(' | ')} |`, `| ${t.columns.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const row of t.rows) lines.push(`| ${row.join(' | ')} |`);
  return `${t.caption ? `${t.caption}\n\n` : ''}${lines.join('\n')}`;
}

export function renderSection(input: { name: string; title: string; date: Date; machine: MachineInfo; report: SectionReport }): string {
  const { report } = input;
  const parts = [
    start(input.name),
    `## ${input.title}`,
    `Measured ${input.date.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${formatMachine(input.machine)}.`,
    ...report.tables.map(renderTable),
  ];
  if (report.checks.length > 0) {
    parts.push(
      renderTable({
        caption: 'Targets',
        columns: ['target', 'goal', 'observed', 'verdict'],
        rows: report.checks.map((c) => [c.name, c.target, c.observed, c.pass ? '**PASS**' : '**MISS**']),
      }),
    );
  }
  parts.push(...report.notes, end(input.name));
  return parts.join('\n\n');
}

/** Replaces the section's block in `text` (between its markers), or appends it. Pure, for tests and reuse. */
export function replaceSection(text: string, name: string, block: string): string {
  const base = text.trim() === '' ? HEADER : text;
  const from = base.indexOf(start(name));
  const to = base.indexOf(end(name));
  if (from >= 0 && to > from) return `${base.slice(0, from)}${block}${base.slice(to + end(name).length)}`;
  return `${base.trimEnd()}\n\n${block}\n`;
}

export async function writeSection(file: string, name: string, block: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  await writeFile(file, replaceSection(text, name, block));
}
