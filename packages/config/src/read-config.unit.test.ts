import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bool, bytes, ConfigError, describeSchema, int, list, oneOf, readConfig, str } from './index.ts';

const schema = {
  name: { env: 'APP_NAME', parse: str, description: 'the name (required)' },
  port: { env: 'APP_PORT', parse: int(1, 65535), default: 8080, description: 'port' },
  brokers: { env: 'APP_BROKERS', parse: list, default: ['127.0.0.1:9092'], description: 'brokers' },
  verbose: { env: 'APP_VERBOSE', parse: bool, default: false, description: 'verbose' },
  level: { env: 'APP_LEVEL', parse: oneOf('info', 'warn'), default: 'info', description: 'log level' },
  maxBody: { env: 'APP_MAX_BODY', parse: bytes, default: 1024, description: 'largest body' },
  startedAt: { env: 'APP_STARTED_AT', parse: str, default: () => 'computed at read time', description: 'a default made by a function' },
  secret: { env: 'APP_SECRET', parse: str, default: '', secret: true, description: 'a secret' },
} as const;

/** The schema read from `env`, the required name set. */
const read = (env: NodeJS.ProcessEnv) => readConfig(schema, { APP_NAME: 'wabus', ...env });

/** An assert.throws validator: a ConfigError WABUS_CONFIG_INVALID naming `variable`, with the message matching. */
const invalid = (variable: string, message: RegExp) => (err: unknown) => {
  assert.ok(err instanceof ConfigError, String(err));
  assert.deepEqual([err.code, err.variable, err.param], ['WABUS_CONFIG_INVALID', variable, variable]);
  assert.match(err.message, message);
  return true;
};

test('given only the required variable, then every other field has its default (a function default is called)', () => {
  assert.deepEqual(read({}), {
    name: 'wabus',
    port: 8080,
    brokers: ['127.0.0.1:9092'],
    verbose: false,
    level: 'info',
    maxBody: 1024,
    startedAt: 'computed at read time',
    secret: '',
  });
  assert.equal(read({ APP_PORT: '' }).port, 8080, 'an empty variable counts as unset');
});

test('given a missing required variable, then the error names it and says what it is for', () => {
  assert.throws(() => readConfig(schema, {}), invalid('APP_NAME', /^APP_NAME: required \(the name \(required\)\)$/));
});

test('str: the value as given', () => {
  assert.equal(read({ APP_NAME: ' spaced ' }).name, ' spaced ');
});

test('int: integers within the bounds, both included; anything else names the variable', () => {
  assert.deepEqual([read({ APP_PORT: '1' }).port, read({ APP_PORT: '65535' }).port, read({ APP_PORT: ' 42 ' }).port], [1, 65535, 42]);
  assert.throws(() => read({ APP_PORT: '0' }), invalid('APP_PORT', /expected an integer from 1 to 65535, got 0/));
  assert.throws(() => read({ APP_PORT: '65536' }), invalid('APP_PORT', /from 1 to 65535, got 65536/));
  for (const bad of ['80.5', 'eighty', '1e3', '0x50']) assert.throws(() => read({ APP_PORT: bad }), invalid('APP_PORT', /expected an integer, got/), bad);
  assert.equal(int(-10, 10)('-10', 'X'), -10, 'negative bounds');
});

test('list: comma-separated, trimmed, empty items dropped; at least one item', () => {
  assert.deepEqual(read({ APP_BROKERS: ' a:1 ,b:2,, c:3 ' }).brokers, ['a:1', 'b:2', 'c:3']);
  assert.throws(() => read({ APP_BROKERS: ' , ,' }), invalid('APP_BROKERS', /at least one item/));
});

test('bool: 1/true/yes/on and 0/false/no/off, any case; anything else names the variable', () => {
  for (const yes of ['1', 'true', 'YES', ' On ']) assert.equal(read({ APP_VERBOSE: yes }).verbose, true, yes);
  for (const no of ['0', 'False', 'no', 'off']) assert.equal(read({ APP_VERBOSE: no }).verbose, false, no);
  assert.throws(() => read({ APP_VERBOSE: 'maybe' }), invalid('APP_VERBOSE', /expected true or false, got "maybe"/));
});

test('oneOf: exactly one of the values (case counts), else the error lists them', () => {
  assert.equal(read({ APP_LEVEL: 'warn' }).level, 'warn');
  assert.throws(() => read({ APP_LEVEL: 'WARN' }), invalid('APP_LEVEL', /expected one of info, warn, got "WARN"/));
});

test('bytes: a byte count or b/kb/mb/gb (any case, fractions rounded down)', () => {
  const size = (raw: string) => read({ APP_MAX_BODY: raw }).maxBody;
  assert.deepEqual([size('1048576'), size('512kb'), size('3MB'), size('1 gb'), size('1.5kb'), size('10b')], [1048576, 524288, 3145728, 1073741824, 1536, 10]);
  assert.throws(() => size('3tb'), invalid('APP_MAX_BODY', /expected a size such as 3mb/));
});

test('given a parser that throws something else, then it becomes a ConfigError naming the variable, with the cause', () => {
  const boom = new Error('not a URL');
  const throwing = (): string => {
    throw boom;
  };
  const s = { url: { env: 'APP_URL', parse: throwing, description: 'u' } };
  assert.throws(
    () => readConfig(s, { APP_URL: 'x' }),
    (err: unknown) => invalid('APP_URL', /^APP_URL: Error: not a URL$/)(err) && (err as Error).cause === boom,
  );
});

test('given several bad values, then one error reports them all, each with its variable', () => {
  assert.throws(
    () => readConfig(schema, { APP_PORT: 'x', APP_VERBOSE: 'maybe' }),
    invalid(
      'APP_NAME, APP_PORT, APP_VERBOSE',
      /^APP_NAME, APP_PORT, APP_VERBOSE: invalid configuration:\n {2}- APP_NAME: required .*\n {2}- APP_PORT: expected an integer.*\n {2}- APP_VERBOSE: expected true or false/,
    ),
  );
});

test('describeSchema: one row per variable; required and secret defaults are not shown as values', () => {
  const rows = Object.fromEntries(describeSchema(schema).map((r) => [r.env, r.default]));
  assert.deepEqual(rows, {
    APP_NAME: '(required)',
    APP_PORT: '8080',
    APP_BROKERS: '["127.0.0.1:9092"]',
    APP_VERBOSE: 'false',
    APP_LEVEL: '"info"',
    APP_MAX_BODY: '1024',
    APP_STARTED_AT: '"computed at read time"',
    APP_SECRET: '(secret)',
  });
});
