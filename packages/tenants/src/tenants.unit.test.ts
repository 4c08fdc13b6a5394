import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentTenants, loadTenantsFile, ownerOfBody, parseTenants, tenantOfEvent, TenantsError, watchTenantsFile } from './index.ts';

const sources = {
  env: (n: string) => ({ ACME_SECRET: 'acme-secret', EMPTY: '' })[n],
  readFile: (p: string) =>
    p === '/run/token'
      ? 'file-token\n'
      : (() => {
          throw new Error('ENOENT');
        })(),
};
const acme = {
  id: 'acme',
  appSecrets: [{ env: 'ACME_SECRET' }, 'old-acme-secret'],
  verifyToken: 'v-acme',
  graphAccessToken: { file: '/run/token' },
  wabaIds: ['100'],
  phoneNumberIds: ['1001', '1002'],
  crm: { baseUrl: 'https://crm.acme.example/api/', authToken: 'crm-token' },
};
const globex = { id: 'globex', appSecrets: ['globex-secret'], phoneNumberIds: ['2001'], autoReply: { rules: '/etc/wabus/globex-rules.json' } };
const file = (tenants: unknown[]) => JSON.stringify({ tenants });

test('tenants file: secrets from literals, the environment and files; ids, numbers, CRM and rules per tenant', () => {
  const t = parseTenants(file([acme, globex]), 'tenants.json', sources);
  const a = t.byId('acme')!;
  assert.deepEqual(a.appSecrets, [
    { label: 'acme#1', secret: 'acme-secret' },
    { label: 'acme#2', secret: 'old-acme-secret' },
  ]);
  assert.equal(a.graphAccessToken, 'file-token');
  assert.deepEqual(a.crm, { baseUrl: 'https://crm.acme.example/api', authToken: 'crm-token' });
  assert.equal(t.ownerOfWaba('100')?.id, 'acme');
  assert.equal(t.ownerOfNumber('2001')?.id, 'globex');
  assert.equal(t.ownerOfNumber('9999'), undefined);
  assert.equal(t.byId('globex')?.autoReplyRules, '/etc/wabus/globex-rules.json');
});

test('tenants file: every bad input is a WABUS_TENANTS_INVALID naming the tenant and the field', () => {
  const cases: [string, RegExp][] = [
    ['{', /^t\.json: not JSON/],
    ['{"tenants":{}}', /expected an object with a "tenants" array/],
    [file([]), /at least one tenant/],
    [file([{ ...acme, id: 'Acme!' }]), /^tenants\[0\]\.id: expected lowercase/],
    [file([acme, { ...globex, id: 'acme' }]), /^tenants\[1\] \(acme\)\.id: another tenant has this id/],
    [file([{ ...acme, appSecrets: [] }]), /^tenants\[0\] \(acme\)\.appSecrets: expected a non-empty array/],
    [file([{ ...acme, appSecrets: [{ env: 'MISSING' }] }]), /^tenants\[0\] \(acme\)\.appSecrets\[0\]: environment variable MISSING is not set/],
    [file([{ ...acme, appSecrets: [{ env: 'EMPTY' }] }]), /appSecrets\[0\]: is empty/],
    [file([{ ...acme, graphAccessToken: { file: '/nope' } }]), /\.graphAccessToken: cannot read \/nope/],
    [file([{ ...acme, wabaIds: [100] }]), /\.wabaIds\[0\]: expected an id of digits as a string, got 100/],
    [file([acme, { ...globex, phoneNumberIds: ['1002'] }]), /^tenants\[1\] \(globex\)\.phoneNumberIds\[0\]: number 1002 is already owned by tenant acme/],
    [file([{ ...globex, phoneNumberIds: [] }]), /^tenants\[0\] \(globex\): owns nothing/],
    [file([{ ...acme, crm: { baseUrl: 'ftp://x' } }]), /\.crm\.baseUrl: expected an http\(s\) URL/],
    [file([{ ...globex, autoReply: { rules: 3 } }]), /\.autoReply: expected \{ "rules"/],
    [file([{ ...globex, tokn: 'x' }]), /^tenants\[0\] \(globex\)\.tokn: unknown field/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseTenants(text, 't.json', sources),
      (err: unknown) => err instanceof TenantsError && err.code === 'WABUS_TENANTS_INVALID' && message.test(err.message),
      text,
    );
  }
});

test("ownership: a body is its tenant's when the signer owns every WABA and number it names; else quarantined with a reason", () => {
  const t = parseTenants(file([acme, globex]), 't', sources);
  const acmeOnly = new Set(['acme']);
  assert.deepEqual(
    ownerOfBody(t, acmeOnly, [
      { wabaId: '100', phoneNumberId: '1001' },
      { wabaId: '100', phoneNumberId: null },
    ]),
    { ok: true, tenantIds: ['acme', 'acme'] },
  );
  // signed by acme, names globex's number
  const cross = ownerOfBody(t, acmeOnly, [{ wabaId: '555', phoneNumberId: '2001' }]);
  assert.deepEqual(cross, { ok: false, reason: 'tenant_mismatch', detail: 'signed by acme, names number 2001 of tenant globex' });
  // a WABA of one tenant with a number of another
  assert.equal((ownerOfBody(t, new Set(['acme', 'globex']), [{ wabaId: '100', phoneNumberId: '2001' }]) as { reason: string }).reason, 'tenant_mismatch');
  // nobody owns it
  assert.deepEqual(ownerOfBody(t, acmeOnly, [{ wabaId: '777', phoneNumberId: '7771' }]), {
    ok: false,
    reason: 'unknown_owner',
    detail: 'no tenant owns WABA 777 or number 7771',
  });
  // a tech provider's app shared by both: each item goes to its owner
  assert.deepEqual(
    ownerOfBody(t, new Set(['acme', 'globex']), [
      { wabaId: '100', phoneNumberId: '1002' },
      { wabaId: '999', phoneNumberId: '2001' },
    ]),
    { ok: true, tenantIds: ['acme', 'globex'] },
  );
  // environment-only: the default tenant owns everything
  assert.deepEqual(ownerOfBody(environmentTenants(), new Set(['default']), [{ wabaId: '1', phoneNumberId: '2' }]), { ok: true, tenantIds: ['default'] });
});

test('the tenant of an event: the one ingress wrote, else the owner of its number or WABA, else the default', () => {
  const t = parseTenants(file([acme, globex]), 't', sources);
  assert.equal(tenantOfEvent(t, { tenantId: 'globex', phoneNumberId: '1001', wabaId: '100' }), 'globex');
  assert.equal(tenantOfEvent(t, { tenantId: null, phoneNumberId: '1001', wabaId: '9' }), 'acme');
  assert.equal(tenantOfEvent(t, { tenantId: null, phoneNumberId: null, wabaId: '100' }), 'acme');
  assert.equal(tenantOfEvent(t, { tenantId: null, phoneNumberId: '5', wabaId: '6' }), 'default');
});

test('SIGHUP reloads the file: a valid one replaces the configuration, an invalid one is reported and changes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wabus-tenants-'));
  const path = join(dir, 'tenants.json');
  writeFileSync(path, file([{ ...globex, autoReply: undefined }]));
  const errors: Error[] = [];
  const reloads: string[] = [];
  const h = watchTenantsFile(path, { signal: 'SIGWINCH', onError: (e) => errors.push(e), onReload: (t) => reloads.push(t.list.map((x) => x.id).join(',')) });
  try {
    assert.deepEqual(
      h.current().list.map((x) => x.id),
      ['globex'],
    );
    writeFileSync(
      path,
      file([
        { ...globex, autoReply: undefined },
        { id: 'initech', appSecrets: ['s'], wabaIds: ['300'] },
      ]),
    );
    process.emit('SIGWINCH', 'SIGWINCH');
    assert.deepEqual(
      h.current().list.map((x) => x.id),
      ['globex', 'initech'],
    );
    writeFileSync(path, '{ broken');
    process.emit('SIGWINCH', 'SIGWINCH');
    assert.deepEqual(
      h.current().list.map((x) => x.id),
      ['globex', 'initech'],
      'a bad file leaves the running configuration',
    );
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /not JSON/);
    assert.deepEqual(reloads, ['globex,initech']);
  } finally {
    h.stop();
  }
  assert.throws(() => loadTenantsFile(join(dir, 'missing.json')), /cannot read the tenants file/);
});

const acmeMeta = {
  appId: '670843887433847',
  callbackUrl: 'https://wabus.acme.example/webhook',
  fields: ['messages', 'account_update'],
  wabas: { '100': { callbackOverride: 'https://eu.wabus.acme.example/webhook' } },
};

test('tenants file: meta gives the app, its callback, fields and per-WABA overrides; the app secret defaults to the first of appSecrets', () => {
  const t = parseTenants(file([{ ...acme, wabaIds: ['100', '101'], meta: { ...acmeMeta, minMessagingLimit: 'TIER_1K' } }, globex]), 't', sources);
  assert.deepEqual(t.byId('acme')!.meta, {
    appId: '670843887433847',
    appSecret: 'acme-secret',
    callbackUrl: 'https://wabus.acme.example/webhook',
    fields: ['messages', 'account_update'],
    wabas: { '100': { callbackOverride: 'https://eu.wabus.acme.example/webhook' }, '101': { callbackOverride: null } },
    minMessagingLimit: 'TIER_1K',
  });
  assert.equal(t.byId('globex')!.meta, null);
  const own = parseTenants(file([{ ...acme, meta: { ...acmeMeta, appSecret: { env: 'ACME_SECRET' }, wabas: undefined } }]), 't', sources);
  assert.equal(own.byId('acme')!.meta!.appSecret, 'acme-secret');
  assert.deepEqual(own.byId('acme')!.meta!.wabas, { '100': { callbackOverride: null } });
});

test('tenants file: every bad meta is a WABUS_TENANTS_INVALID naming the tenant and the field', () => {
  const meta = (m: Record<string, unknown>, t: Record<string, unknown> = {}) => file([{ ...acme, ...t, meta: { ...acmeMeta, ...m } }]);
  const cases: [string, RegExp][] = [
    [file([{ ...acme, meta: 'yes' }]), /^tenants\[0\] \(acme\)\.meta: expected \{ "appId"/],
    [meta({ appId: 670843887433847 }), /\.meta\.appId: expected the app id, digits as a string/],
    [meta({ callbackUrl: 'wabus.acme.example' }), /\.meta\.callbackUrl: expected an http\(s\) URL/],
    [meta({ fields: [] }), /\.meta\.fields: expected a non-empty array/],
    [meta({ fields: ['messages', 'Messages!'] }), /\.meta\.fields\[1\]: expected a webhook field name/],
    [meta({ fields: ['messages', 'messages'] }), /\.meta\.fields\[1\]: messages is listed twice/],
    [meta({ wabas: { '999': {} } }), /\.meta\.wabas\.999: not one of the tenant's wabaIds \(100\)/],
    [meta({ wabas: { '100': { callbackOverride: 'https://x.example/' + 'a'.repeat(200) } } }), /\.meta\.wabas\.100\.callbackOverride: at most 200 characters/],
    [meta({ wabas: { '100': { override: 'https://x.example' } } }), /\.meta\.wabas\.100\.override: unknown field/],
    [meta({ minMessagingLimit: 'TIER_5' }), /\.meta\.minMessagingLimit: expected one of TIER_50, TIER_250/],
    [meta({ appSecret: { env: 'MISSING' } }), /\.meta\.appSecret: environment variable MISSING is not set/],
    [meta({ callback: 'x' }), /\.meta\.callback: unknown field/],
    [meta({}, { verifyToken: undefined }), /^tenants\[0\] \(acme\)\.meta: needs the tenant's verifyToken/],
    [meta({ wabas: undefined }, { wabaIds: undefined }), /^tenants\[0\] \(acme\)\.meta: needs wabaIds/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseTenants(text, 't.json', sources),
      (err: unknown) => err instanceof TenantsError && err.code === 'WABUS_TENANTS_INVALID' && message.test(err.message),
      text,
    );
  }
});
