import { EVENT_KINDS, type EventKind } from '@wabus/events';
import { DispatcherError } from './errors.ts';

/** Where a subscription's deliveries go: a system's webhook (signed), a Slack-compatible incoming webhook, e-mail. */
export type Target = { type: 'webhook'; url: string; secret: string } | { type: 'slack'; url: string } | { type: 'email'; to: string[]; from: string };

/** Every list given must match (AND); inside a list any entry (OR); absent or empty: anything. */
export interface EventFilter {
  kinds: EventKind[];
  phoneNumberIds: string[];
  tenants: string[];
  messageTypes: string[];
  /** Case-insensitive substrings of the message's text; events without text never match a keyword filter. */
  keywords: string[];
}

export interface Subscription {
  id: string;
  target: Target;
  filter: EventFilter;
  /**
   * A notification for people: an inbound message is notified only if no answer (an echo or an outbound message's
   * status) at or after its Meta time is known this many seconds after wabus received it, once per unanswered streak.
   */
  unansweredAfterSeconds: number | null;
  /** `file` subscriptions are changed by editing the file; `api` ones through the API. */
  source: 'file' | 'api';
}

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

type Problem = { param: string; message: string };

/**
 * Validates one subscription (from the file or an API body); every problem is listed with its field. Unknown fields
 * are problems too: a typo must not silently widen a filter.
 */
export function checkSubscription(
  raw: unknown,
  source: Subscription['source'],
  at = '',
): { ok: true; value: Subscription } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const bad = (param: string, message: string) => problems.push({ param: `${at}${param}`, message });
  const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const only = (o: Record<string, unknown>, prefix: string, keys: string[]) => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) bad(`${prefix}${k}`, 'unknown field');
  };
  if (!obj(raw)) return { ok: false, problems: [{ param: at || 'body', message: 'expected an object' }] };
  only(raw, '', ['id', 'target', 'filter', 'unansweredAfterSeconds']);
  const id = typeof raw.id === 'string' && ID.test(raw.id) ? raw.id : (bad('id', 'expected 1-64 of a-z 0-9 _ - (starting with a letter or digit)'), '');
  const target = checkTarget(raw.target, bad);
  const filter = checkFilter(raw.filter ?? {}, bad);
  const u = raw.unansweredAfterSeconds ?? null;
  const unanswered =
    u === null || (Number.isInteger(u) && (u as number) >= 1 && (u as number) <= 86_400)
      ? (u as number | null)
      : (bad('unansweredAfterSeconds', 'expected an integer from 1 to 86400'), null);
  if (problems.length > 0 || target === null) return { ok: false, problems };
  return { ok: true, value: { id, target, filter, unansweredAfterSeconds: unanswered, source } };

  function checkTarget(t: unknown, fail: typeof bad): Target | null {
    if (!obj(t)) return (fail('target', 'expected an object with a type: webhook, slack or email'), null);
    const url = (): string => {
      try {
        const u = new URL(String(t.url));
        if ((u.protocol === 'http:' || u.protocol === 'https:') && typeof t.url === 'string') return t.url;
      } catch {
        // reported below
      }
      fail('target.url', 'expected an http(s) URL');
      return '';
    };
    switch (t.type) {
      case 'webhook': {
        only(t, 'target.', ['type', 'url', 'secret']);
        const secret =
          typeof t.secret === 'string' && t.secret.length >= 16 ? t.secret : (fail('target.secret', 'expected a signing secret of at least 16 characters'), '');
        return { type: 'webhook', url: url(), secret };
      }
      case 'slack':
        only(t, 'target.', ['type', 'url']);
        return { type: 'slack', url: url() };
      case 'email': {
        only(t, 'target.', ['type', 'to', 'from']);
        const to =
          Array.isArray(t.to) && t.to.length > 0 && t.to.every((a) => typeof a === 'string' && EMAIL.test(a))
            ? (t.to as string[])
            : (fail('target.to', 'expected a non-empty list of e-mail addresses'), []);
        const from = typeof t.from === 'string' && EMAIL.test(t.from) ? t.from : (fail('target.from', 'expected an e-mail address'), '');
        return { type: 'email', to, from };
      }
      default:
        fail('target.type', 'expected webhook, slack or email');
        return null;
    }
  }

  function checkFilter(f: unknown, fail: typeof bad): EventFilter {
    const empty: EventFilter = { kinds: [], phoneNumberIds: [], tenants: [], messageTypes: [], keywords: [] };
    if (!obj(f)) return (fail('filter', 'expected an object'), empty);
    only(f, 'filter.', Object.keys(empty));
    const strings = (k: keyof EventFilter): string[] => {
      const v = f[k] ?? [];
      if (Array.isArray(v) && v.every((s) => typeof s === 'string' && s.trim() !== '')) return v as string[];
      fail(`filter.${k}`, 'expected a list of non-empty strings');
      return [];
    };
    const kinds = strings('kinds');
    for (const k of kinds)
      if (!(EVENT_KINDS as readonly string[]).includes(k)) fail('filter.kinds', `unknown kind ${JSON.stringify(k)} (${EVENT_KINDS.join(', ')})`);
    return {
      kinds: kinds as EventKind[],
      phoneNumberIds: strings('phoneNumberIds'),
      tenants: strings('tenants'),
      messageTypes: strings('messageTypes'),
      keywords: strings('keywords').map((k) => k.toLowerCase()),
    };
  }
}

/** The subscriptions file: `{ "subscriptions": [ … ] }`; throws one error listing every problem, or duplicate ids. */
export function parseSubscriptionsFile(text: string, path: string): Subscription[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DispatcherError('WABUS_DISPATCHER_BAD_SUBSCRIPTIONS_FILE', { message: `${path}: not JSON: ${(err as Error).message}`, param: path, cause: err });
  }
  const list = (json as { subscriptions?: unknown } | null)?.subscriptions;
  if (!Array.isArray(list) || Object.keys(json as object).some((k) => k !== 'subscriptions')) {
    throw new DispatcherError('WABUS_DISPATCHER_BAD_SUBSCRIPTIONS_FILE', {
      message: `${path}: expected { "subscriptions": [ … ] } and nothing else`,
      param: path,
    });
  }
  const problems: string[] = [];
  const subs: Subscription[] = [];
  const seen = new Set<string>();
  list.forEach((raw, i) => {
    const r = checkSubscription(raw, 'file', `subscriptions[${i}].`);
    if (!r.ok) problems.push(...r.problems.map((p) => `${p.param}: ${p.message}`));
    else if (seen.has(r.value.id)) problems.push(`subscriptions[${i}].id: duplicate id ${JSON.stringify(r.value.id)}`);
    else {
      seen.add(r.value.id);
      subs.push(r.value);
    }
  });
  if (problems.length > 0) throw new DispatcherError('WABUS_DISPATCHER_BAD_SUBSCRIPTIONS_FILE', { message: `${path}: ${problems.join('; ')}`, param: path });
  return subs;
}
