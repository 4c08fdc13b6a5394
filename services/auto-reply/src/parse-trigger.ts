import { words } from './keyword-match.ts';
import { isObject, onlyKeys, stringList, type Report } from './rule-checks.ts';
import type { Trigger, TriggerType } from './rule-types.ts';

const TRIGGERS: readonly TriggerType[] = ['keywords', 'regex', 'buttonIds', 'listIds', 'payloads', 'greeting', 'outsideBusinessHours', 'default'];
const MODIFIERS: Record<string, TriggerType> = { match: 'keywords', flags: 'regex' };

/** `when`: exactly one trigger, with its modifiers (`match` for keywords, `flags` for regex). */
export function parseTrigger(report: Report, v: unknown): Trigger | undefined {
  if (!isObject(v)) return void report('when', `required: an object with one of ${TRIGGERS.join(', ')}`);
  onlyKeys(report, 'when', v, [...TRIGGERS, ...Object.keys(MODIFIERS)]);
  const present = TRIGGERS.filter((k) => v[k] !== undefined);
  if (present.length !== 1) return void report('when', `exactly one of ${TRIGGERS.join(', ')} (got ${present.length === 0 ? 'none' : present.join(', ')})`);
  const type = present[0]!;
  for (const [mod, owner] of Object.entries(MODIFIERS)) if (v[mod] !== undefined && owner !== type) report(`when.${mod}`, `only with when.${owner}`);
  const f = `when.${type}`;
  switch (type) {
    case 'keywords': {
      const list = stringList(report, f, v[type]);
      const match = v['match'] ?? 'word';
      if (match !== 'word' && match !== 'exact') report('when.match', `"word" or "exact", got ${JSON.stringify(match)}`);
      if (list === undefined || (match !== 'word' && match !== 'exact')) return undefined;
      const keywords = list.map((k) => words(k));
      const empty = keywords.findIndex((k) => k.length === 0);
      if (empty >= 0) return void report(`${f}[${empty}]`, `has no letters or digits: ${JSON.stringify(list[empty])}`);
      return { type, keywords, match };
    }
    case 'regex': {
      const source = v[type];
      const flags = v['flags'] ?? '';
      if (typeof source !== 'string' || source === '') return void report(f, 'a non-empty regular expression (JavaScript syntax)');
      if (typeof flags !== 'string' || !/^[imsu]*$/.test(flags)) return void report('when.flags', `any of the flags i, m, s, u, got ${JSON.stringify(flags)}`);
      try {
        return { type, regex: new RegExp(source, flags) };
      } catch (err) {
        return void report(f, `not a valid regular expression: ${(err as Error).message}`);
      }
    }
    case 'buttonIds':
    case 'listIds': {
      const ids = stringList(report, f, v[type]);
      return ids === undefined ? undefined : { type, ids };
    }
    case 'payloads': {
      const payloads = stringList(report, f, v[type]);
      return payloads === undefined ? undefined : { type, payloads };
    }
    case 'greeting':
    case 'outsideBusinessHours':
    case 'default':
      if (v[type] !== true) return void report(f, 'true');
      return { type };
    default: {
      const never: never = type;
      throw new Error(`unhandled trigger ${String(never)}`);
    }
  }
}
