import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RulesError, type RuleProblem } from './errors.ts';
import { loadRules, parseRules } from './parse-rules.ts';

const ok = { id: 'ok', when: { default: true }, reply: { text: 'hi' } };

function problems(doc: unknown): RuleProblem[] {
  try {
    parseRules(doc);
  } catch (err) {
    assert.ok(err instanceof RulesError);
    assert.equal(err.code, 'WABUS_AUTO_REPLY_RULES_INVALID');
    return [...err.problems];
  }
  assert.fail('expected a RulesError');
}

const one = (rule: unknown) => problems({ rules: [rule] });
const fields = (ps: RuleProblem[]) => ps.map((p) => `${p.where} ${p.field}`);

test('rules: a valid file parses, in order', () => {
  const book = parseRules({
    businessHours: { '123': { timeZone: 'Europe/Berlin', weekly: { mon: ['09:00-12:00', '13:00-24:00'] } } },
    rules: [
      { id: 'k', when: { keywords: ['Preço'] }, reply: { text: 'x', previewUrl: true }, markAsRead: true },
      {
        id: 'h',
        when: { outsideBusinessHours: true },
        phoneNumberIds: ['123'],
        reply: { list: { body: 'b', button: 'Pick', sections: [{ rows: [{ id: 'r', title: 'R', description: 'd' }] }] } },
      },
      ok,
    ],
  });
  assert.deepEqual(
    book.rules.map((r) => r.id),
    ['k', 'h', 'ok'],
  );
  assert.deepEqual(book.rules[0]!.trigger, { type: 'keywords', keywords: [['preco']], match: 'word' });
  assert.deepEqual(book.businessHours.get('123')!.weekly.mon, [
    { from: 540, to: 720 },
    { from: 780, to: 1440 },
  ]);
});

test('rules: every problem names its rule (id and index) and field, all reported at once', () => {
  const ps = problems({
    rules: [
      { when: { default: true }, reply: { text: 'no id' } },
      { id: 'twice', when: { keywords: ['a'] }, reply: { text: 'x' } },
      { id: 'twice', when: { keywords: ['b'] }, reply: { text: 'x' } },
      { id: 'typo', when: { keyword: ['a'] }, reply: { text: 'x' }, markAsread: true },
      { id: 'regex', when: { regex: '(unclosed' }, reply: { text: 'x' } },
    ],
  });
  assert.deepEqual(fields(ps), [
    'rules[0] id',
    'rule "twice" (rules[2]) id',
    'rule "typo" (rules[3]) markAsread',
    'rule "typo" (rules[3]) when.keyword',
    'rule "typo" (rules[3]) when',
    'rule "regex" (rules[4]) when.regex',
  ]);
  const err = (() => {
    try {
      parseRules({ rules: [{ id: 'x', when: {}, reply: { text: 'x' } }] }, 'rules.json');
    } catch (e) {
      return e as Error;
    }
    return null;
  })();
  assert.match(err!.message, /^rules\.json: invalid rule:\n {2}- rule "x" \(rules\[0\]\): when: exactly one of keywords, regex/);
});

test('rules: triggers are checked', () => {
  assert.deepEqual(fields(one({ id: 'r', when: { keywords: ['a'], regex: 'b' }, reply: { text: 'x' } })), ['rule "r" (rules[0]) when']);
  assert.deepEqual(fields(one({ id: 'r', when: { keywords: [] }, reply: { text: 'x' } })), ['rule "r" (rules[0]) when.keywords']);
  assert.deepEqual(fields(one({ id: 'r', when: { keywords: ['?!'] }, reply: { text: 'x' } })), ['rule "r" (rules[0]) when.keywords[0]']);
  assert.deepEqual(fields(one({ id: 'r', when: { keywords: ['a'], match: 'fuzzy' }, reply: { text: 'x' } })), ['rule "r" (rules[0]) when.match']);
  assert.deepEqual(fields(one({ id: 'r', when: { regex: 'a', flags: 'g' }, reply: { text: 'x' } })), ['rule "r" (rules[0]) when.flags']);
  assert.deepEqual(fields(one({ id: 'r', when: { buttonIds: 'btn' }, reply: { text: 'x' } })), ['rule "r" (rules[0]) when.buttonIds']);
  assert.deepEqual(fields(one({ id: 'r', when: { greeting: 'yes' }, reply: { text: 'x' } })), ['rule "r" (rules[0]) when.greeting']);
  assert.deepEqual(fields(one({ id: 'r', when: { default: true }, phoneNumberIds: ['+55'], reply: { text: 'x' } })), ['rule "r" (rules[0]) phoneNumberIds[0]']);
  assert.deepEqual(fields(one({ id: 'r', when: { outsideBusinessHours: true }, reply: { text: 'x' } })), ['rule "r" (rules[0]) when.outsideBusinessHours']);
});

test('rules: replies follow Meta limits (≤ 3 buttons, titles ≤ 20, ≤ 10 rows, unique ids)', () => {
  const btn = (n: number, title = 'T') => Array.from({ length: n }, (_, i) => ({ id: `b${i}`, title: `${title}${i}` }));
  assert.deepEqual(fields(one({ id: 'r', when: { default: true }, reply: {} })), ['rule "r" (rules[0]) reply']);
  assert.deepEqual(fields(one({ id: 'r', when: { default: true }, reply: { text: 'x', buttons: {} } })), ['rule "r" (rules[0]) reply']);
  assert.deepEqual(fields(one({ id: 'r', when: { default: true }, reply: { text: 'x'.repeat(4097) } })), ['rule "r" (rules[0]) reply.text']);
  assert.deepEqual(fields(one({ id: 'r', when: { default: true }, reply: { buttons: { body: 'b', buttons: btn(4) } } })), [
    'rule "r" (rules[0]) reply.buttons.buttons',
  ]);
  assert.deepEqual(fields(one({ id: 'r', when: { default: true }, reply: { buttons: { body: 'b', buttons: btn(1, 'x'.repeat(20)) } } })), [
    'rule "r" (rules[0]) reply.buttons.buttons[0].title',
  ]);
  assert.deepEqual(
    fields(
      one({
        id: 'r',
        when: { default: true },
        reply: {
          buttons: {
            body: 'b',
            buttons: [
              { id: 'a', title: 'A' },
              { id: 'a', title: 'B' },
            ],
          },
        },
      }),
    ),
    ['rule "r" (rules[0]) reply.buttons.buttons[].id'],
  );
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));
  assert.deepEqual(
    fields(
      one({
        id: 'r',
        when: { default: true },
        reply: {
          list: {
            body: 'b',
            button: 'Pick',
            sections: [
              { title: 'A', rows: rows(6) },
              { title: 'B', rows: rows(5).map((r) => ({ ...r, id: `x${r.id}` })) },
            ],
          },
        },
      }),
    ),
    ['rule "r" (rules[0]) reply.list.sections'],
  );
  assert.deepEqual(
    fields(
      one({
        id: 'r',
        when: { default: true },
        reply: { list: { body: 'b', button: 'Pick', sections: [{ rows: rows(1) }, { rows: rows(1).map((r) => ({ ...r, id: 'y' })) }] } },
      }),
    ),
    ['rule "r" (rules[0]) reply.list.sections[0].title', 'rule "r" (rules[0]) reply.list.sections[1].title'],
  );
});

test('rules: business hours name the number and field; a rule after a default is unreachable', () => {
  const ps = problems({
    businessHours: { '*': { timeZone: 'Mars/Olympus', weekly: { mon: ['18:00-09:00'], funday: [] } } },
    rules: [ok, { id: 'late', when: { keywords: ['a'] }, reply: { text: 'x' } }],
  });
  assert.deepEqual(fields(ps), [
    'businessHours["*"] timeZone',
    'businessHours["*"] weekly.funday',
    'businessHours["*"] weekly.mon[0]',
    'rule "late" (rules[1]) when',
  ]);
  assert.match(ps[3]!.message, /unreachable: rule "ok" \(rules\[0\]\) comes first/);
  // A default for one number does not shadow rules for other numbers.
  parseRules({
    rules: [
      { ...ok, phoneNumberIds: ['1'] },
      { id: 'b', when: { keywords: ['a'] }, phoneNumberIds: ['2'], reply: { text: 'x' } },
    ],
  });
});

test('rules: an unreadable or non-JSON file is a RulesError naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'auto-reply-rules-'));
  await assert.rejects(
    loadRules(join(dir, 'missing.json')),
    (e: RulesError) => e.code === 'WABUS_AUTO_REPLY_RULES_INVALID' && e.message.includes('missing.json') && e.problems[0]!.field === '(file)',
  );
  await writeFile(join(dir, 'bad.json'), '{ rules: [');
  await assert.rejects(loadRules(join(dir, 'bad.json')), (e: RulesError) => e.problems[0]!.field === '(document)' && /not JSON/.test(e.problems[0]!.message));
  assert.deepEqual(fields(problems({ rules: [] })), ['rules file rules']);
});
