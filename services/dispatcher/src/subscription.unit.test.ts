import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DispatcherError } from './errors.ts';
import { checkSubscription, parseSubscriptionsFile } from './subscription.ts';

const webhook = { type: 'webhook', url: 'https://example.com/hook', secret: 'a-secret-of-16+chars' };

test('a valid subscription: lists default to empty (anything), keywords lower-cased', () => {
  const r = checkSubscription({ id: 'orders', target: webhook, filter: { kinds: ['message'], keywords: ['Pedido'] } }, 'api');
  assert.deepEqual(r, {
    ok: true,
    value: {
      id: 'orders',
      target: webhook,
      filter: { kinds: ['message'], phoneNumberIds: [], tenants: [], messageTypes: [], keywords: ['pedido'] },
      unansweredAfterSeconds: null,
      source: 'api',
    },
  });
});

test('every problem is listed with its field; unknown fields are problems', () => {
  const r = checkSubscription(
    {
      id: 'Bad Id',
      target: { type: 'webhook', url: 'ftp://x', secret: 'short', extra: 1 },
      filter: { kinds: ['mesage'], keyword: ['x'] },
      unansweredAfterSeconds: 0,
    },
    'api',
  );
  assert.equal(r.ok, false);
  const params = r.ok ? [] : r.problems.map((p) => p.param).sort();
  assert.deepEqual(params, ['filter.keyword', 'filter.kinds', 'id', 'target.extra', 'target.secret', 'target.url', 'unansweredAfterSeconds']);
});

test('targets: slack needs a URL, e-mail addresses; an unknown type is refused', () => {
  assert.equal(checkSubscription({ id: 's', target: { type: 'slack', url: 'http://127.0.0.1:1/x' } }, 'file').ok, true);
  const mail = checkSubscription({ id: 'm', target: { type: 'email', to: ['not an address'], from: 'bot@wabus.test' } }, 'file');
  assert.deepEqual(mail.ok ? [] : mail.problems.map((p) => p.param), ['target.to']);
  const other = checkSubscription({ id: 'x', target: { type: 'sms' } }, 'file');
  assert.deepEqual(other.ok ? [] : other.problems.map((p) => p.param), ['target.type']);
  const none = checkSubscription('nope', 'api');
  assert.deepEqual(none.ok ? [] : none.problems, [{ param: 'body', message: 'expected an object' }]);
});

test('the file: not JSON, a wrong shape, bad entries and duplicate ids are WABUS_DISPATCHER_BAD_SUBSCRIPTIONS_FILE, naming the place', () => {
  const bad = (text: string, match: RegExp) =>
    assert.throws(
      () => parseSubscriptionsFile(text, 'subs.json'),
      (err: unknown) => DispatcherError.is(err, 'WABUS_DISPATCHER_BAD_SUBSCRIPTIONS_FILE') && match.test(err.message),
    );
  bad('{', /subs\.json: not JSON/);
  bad('[]', /expected \{ "subscriptions"/);
  bad('{"subscriptions":[],"other":1}', /nothing else/);
  bad(
    JSON.stringify({
      subscriptions: [
        { id: 'a', target: webhook },
        { id: 'b', target: { type: 'slack' } },
      ],
    }),
    /subscriptions\[1\]\.target\.url/,
  );
  bad(
    JSON.stringify({
      subscriptions: [
        { id: 'a', target: webhook },
        { id: 'a', target: webhook },
      ],
    }),
    /subscriptions\[1\]\.id: duplicate id "a"/,
  );
  const ok = parseSubscriptionsFile(JSON.stringify({ subscriptions: [{ id: 'a', target: webhook }] }), 'subs.json');
  assert.deepEqual(
    ok.map((s) => [s.id, s.source]),
    [['a', 'file']],
  );
});
