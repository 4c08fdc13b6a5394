import { readFile } from 'node:fs/promises';
import { RulesError, type RuleProblem } from './errors.ts';
import { parseBusinessHours } from './parse-business-hours.ts';
import { parseReply } from './parse-reply.ts';
import { parseTrigger } from './parse-trigger.ts';
import { bool, isObject, onlyKeys, stringList, type Report } from './rule-checks.ts';
import type { BusinessHours, Rule, RuleBook } from './rule-types.ts';

const RULE_KEYS = ['id', 'description', 'when', 'phoneNumberIds', 'reply', 'markAsRead'];

function parseRule(report: Report, v: Record<string, unknown>): Rule | undefined {
  onlyKeys(report, '', v, RULE_KEYS);
  const trigger = parseTrigger(report, v['when']);
  const reply = parseReply(report, v['reply']);
  const markAsRead = bool(report, 'markAsRead', v['markAsRead']) ?? false;
  let phoneNumberIds: string[] | null = null;
  if (v['phoneNumberIds'] !== undefined) {
    const ids = stringList(report, 'phoneNumberIds', v['phoneNumberIds']);
    ids?.forEach((id, i) => /^\d+$/.test(id) || report(`phoneNumberIds[${i}]`, `a phone_number_id (digits), got ${JSON.stringify(id)}`));
    phoneNumberIds = ids ?? null;
  }
  if (trigger === undefined || reply === undefined) return undefined;
  return { id: String(v['id']), trigger, phoneNumberIds, reply, markAsRead };
}

/**
 * Validates a rules document (see docs/consumers/auto-reply.md) once, at start-up. Every problem is collected and
 * reported together, each naming its rule (id and index) and field; nothing is half-applied.
 */
export function parseRules(doc: unknown, source = 'rules'): RuleBook {
  const problems: RuleProblem[] = [];
  const at =
    (where: string): Report =>
    (field, message) =>
      void problems.push({ where, field: field === '' ? '(entry)' : field, message });
  const top = at('rules file');
  if (!isObject(doc))
    throw new RulesError(source, [{ where: 'rules file', field: '(document)', message: 'a JSON object { rules: [...], businessHours?: {...} }' }]);
  onlyKeys(top, '', doc, ['$comment', 'rules', 'businessHours']);

  const businessHours = new Map<string, BusinessHours>();
  const rawHours = doc['businessHours'] ?? {};
  if (!isObject(rawHours)) top('businessHours', 'an object: phone_number_id (or "*" for every other number) → { timeZone, weekly }');
  else
    for (const [number, v] of Object.entries(rawHours)) {
      const report = at(`businessHours[${JSON.stringify(number)}]`);
      if (number !== '*' && !/^\d+$/.test(number)) report('', 'keys are phone_number_ids (digits) or "*"');
      const hours = parseBusinessHours(report, v);
      if (hours) businessHours.set(number, hours);
    }

  const rules: Rule[] = [];
  const rawRules = doc['rules'];
  if (!Array.isArray(rawRules) || rawRules.length === 0) top('rules', 'a non-empty array of rules');
  const ids = new Map<string, number>();
  let defaultForAll: string | null = null;
  const defaultFor = new Map<string, string>();
  (Array.isArray(rawRules) ? rawRules : []).forEach((v, i) => {
    const id = isObject(v) && typeof v['id'] === 'string' && v['id'].trim() !== '' ? v['id'] : null;
    const report = at(id === null ? `rules[${i}]` : `rule ${JSON.stringify(id)} (rules[${i}])`);
    if (!isObject(v)) return report('', 'an object { id, when, reply, markAsRead?, phoneNumberIds? }');
    if (id === null) report('id', 'required, a non-empty string');
    else if (ids.has(id)) report('id', `duplicate: also rules[${ids.get(id)}]`);
    else ids.set(id, i);
    const rule = parseRule(report, v);
    if (rule === undefined || id === null) return;
    // First match wins: a rule after a default for the same numbers can never match.
    const shadow = defaultForAll ?? (rule.phoneNumberIds?.every((n) => defaultFor.has(n)) ? defaultFor.get(rule.phoneNumberIds[0]!)! : null);
    if (shadow !== null) report('when', `unreachable: ${shadow} comes first and answers every message it could match`);
    if (rule.trigger.type === 'outsideBusinessHours') {
      const missing = (rule.phoneNumberIds ?? ['*']).filter((n) => !businessHours.has(n) && !businessHours.has('*'));
      if (missing.length > 0) report('when.outsideBusinessHours', `needs businessHours for ${missing.map((n) => JSON.stringify(n)).join(', ')} (or "*")`);
    }
    if (rule.trigger.type === 'default') {
      const label = `rule ${JSON.stringify(id)} (rules[${i}])`;
      if (rule.phoneNumberIds === null) defaultForAll ??= label;
      else for (const n of rule.phoneNumberIds) if (!defaultFor.has(n)) defaultFor.set(n, label);
    }
    rules.push(rule);
  });
  if (problems.length > 0) throw new RulesError(source, problems);
  return { rules, businessHours };
}

/** Reads and validates the rules file; any problem (unreadable, not JSON, invalid) is a RulesError naming the file. */
export async function loadRules(path: string): Promise<RuleBook> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new RulesError(path, [{ where: 'rules file', field: '(file)', message: `cannot be read: ${(cause as Error).message}` }], { cause });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (cause) {
    throw new RulesError(path, [{ where: 'rules file', field: '(document)', message: `not JSON: ${(cause as Error).message}` }], { cause });
  }
  return parseRules(doc, path);
}
