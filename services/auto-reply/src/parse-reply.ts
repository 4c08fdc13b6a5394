import { array, bool, isObject, onlyKeys, text, unique, type Report } from './rule-checks.ts';
import type { ListRow, ReplyButton, ReplyMessage } from './rule-types.ts';

// Limits of Meta's send API ("Interactive reply buttons messages", "Interactive list messages").
const LIMITS = {
  text: 4096,
  body: 1024,
  header: 60,
  footer: 60,
  buttonTitle: 20,
  buttonId: 256,
  listButton: 20,
  sectionTitle: 24,
  rowId: 200,
  rowTitle: 24,
  rowDescription: 72,
};

function frame(report: Report, f: string, o: Record<string, unknown>) {
  const header = text(report, `${f}.header`, o['header'], { max: LIMITS.header, optional: true });
  const footer = text(report, `${f}.footer`, o['footer'], { max: LIMITS.footer, optional: true });
  return { ...(header === undefined ? {} : { header }), ...(footer === undefined ? {} : { footer }) };
}

function buttons(report: Report, f: string, v: unknown): ReplyMessage | undefined {
  if (!isObject(v)) return void report(f, 'an object { body, buttons: [{ id, title }], header?, footer? }');
  onlyKeys(report, f, v, ['body', 'buttons', 'header', 'footer']);
  const body = text(report, `${f}.body`, v['body'], { max: LIMITS.body });
  const list = array(report, `${f}.buttons`, v['buttons'], { min: 1, max: 3 }) ?? [];
  const out: ReplyButton[] = [];
  list.forEach((b, i) => {
    const bf = `${f}.buttons[${i}]`;
    if (!isObject(b)) return report(bf, 'an object { id, title }');
    onlyKeys(report, bf, b, ['id', 'title']);
    const id = text(report, `${bf}.id`, b['id'], { max: LIMITS.buttonId });
    const title = text(report, `${bf}.title`, b['title'], { max: LIMITS.buttonTitle });
    if (id !== undefined && title !== undefined) out.push({ id, title });
  });
  unique(
    report,
    `${f}.buttons[].id`,
    out.map((b) => b.id),
  );
  unique(
    report,
    `${f}.buttons[].title`,
    out.map((b) => b.title),
  );
  if (body === undefined || out.length !== list.length || list.length === 0) return undefined;
  return { type: 'buttons', body, ...frame(report, f, v), buttons: out };
}

function list(report: Report, f: string, v: unknown): ReplyMessage | undefined {
  if (!isObject(v)) return void report(f, 'an object { body, button, sections: [{ title?, rows: [{ id, title, description? }] }], header?, footer? }');
  onlyKeys(report, f, v, ['body', 'button', 'sections', 'header', 'footer']);
  const body = text(report, `${f}.body`, v['body'], { max: LIMITS.body });
  const button = text(report, `${f}.button`, v['button'], { max: LIMITS.listButton });
  const raw = array(report, `${f}.sections`, v['sections'], { min: 1, max: 10 }) ?? [];
  let ok = raw.length > 0;
  const sections = raw.map((s, i) => {
    const sf = `${f}.sections[${i}]`;
    if (!isObject(s)) return void report(sf, 'an object { title?, rows }');
    onlyKeys(report, sf, s, ['title', 'rows']);
    const title = text(report, `${sf}.title`, s['title'], { max: LIMITS.sectionTitle, optional: raw.length === 1 });
    const rows: ListRow[] = [];
    const rawRows = array(report, `${sf}.rows`, s['rows'], { min: 1, max: 10 }) ?? [];
    rawRows.forEach((r, j) => {
      const rf = `${sf}.rows[${j}]`;
      if (!isObject(r)) return report(rf, 'an object { id, title, description? }');
      onlyKeys(report, rf, r, ['id', 'title', 'description']);
      const id = text(report, `${rf}.id`, r['id'], { max: LIMITS.rowId });
      const rowTitle = text(report, `${rf}.title`, r['title'], { max: LIMITS.rowTitle });
      const description = text(report, `${rf}.description`, r['description'], { max: LIMITS.rowDescription, optional: true });
      if (id !== undefined && rowTitle !== undefined) rows.push({ id, title: rowTitle, ...(description === undefined ? {} : { description }) });
    });
    if (rows.length !== rawRows.length || rawRows.length === 0) ok = false;
    return { ...(title === undefined ? {} : { title }), rows };
  });
  const rows = sections.flatMap((s) => s?.rows ?? []);
  if (rows.length > 10) report(`${f}.sections`, `at most 10 rows in all, got ${rows.length}`);
  unique(
    report,
    `${f}.sections[].rows[].id`,
    rows.map((r) => r.id),
  );
  if (!ok || body === undefined || button === undefined || rows.length > 10 || sections.some((s) => s === undefined)) return undefined;
  return { type: 'list', body, ...frame(report, f, v), button, sections: sections as { title?: string; rows: ListRow[] }[] };
}

/** `reply`: exactly one of `text` (+ `previewUrl`), `buttons` or `list`. */
export function parseReply(report: Report, v: unknown): ReplyMessage | undefined {
  if (!isObject(v)) return void report('reply', 'required: an object with one of text, buttons, list');
  onlyKeys(report, 'reply', v, ['text', 'previewUrl', 'buttons', 'list']);
  const kinds = (['text', 'buttons', 'list'] as const).filter((k) => v[k] !== undefined);
  if (kinds.length !== 1) return void report('reply', `exactly one of text, buttons, list (got ${kinds.length === 0 ? 'none' : kinds.join(', ')})`);
  if (kinds[0] === 'text') {
    const body = text(report, 'reply.text', v['text'], { max: LIMITS.text });
    const previewUrl = bool(report, 'reply.previewUrl', v['previewUrl']) ?? false;
    return body === undefined ? undefined : { type: 'text', text: body, previewUrl };
  }
  if (v['previewUrl'] !== undefined) report('reply.previewUrl', 'only with reply.text');
  return kinds[0] === 'buttons' ? buttons(report, 'reply.buttons', v['buttons']) : list(report, 'reply.list', v['list']);
}
