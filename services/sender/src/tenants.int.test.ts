import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startGraphApiStandIn } from '@wabus/standins';
import { waitUntil, writeTenantsFile } from '@wabus/testing';
import { CUSTOMER, startTestSender } from './sender.test-support.ts';

const ACME = { number: '1001', token: 'acme-graph-token' };
const GLOBEX = { number: '2002', token: 'globex-graph-token' };
const text = (phoneNumberId: string, extra: Record<string, string> = {}) => ({ phoneNumberId, to: CUSTOMER, type: 'text', text: { body: 'hi' }, ...extra });

test("sender: each tenant's number is sent with that tenant's token; a number no tenant owns, or another tenant's, is refused", async (t) => {
  // The stand-in accepts a number's calls only with its tenant's token (401, code 190, otherwise).
  const accessTokens: Record<string, string> = { [ACME.number]: ACME.token, [GLOBEX.number]: GLOBEX.token };
  const graph = await startGraphApiStandIn({ accessToken: 'nobody-has-this', accessTokens });
  const tenants = [
    { id: 'acme', appSecrets: ['a'], graphAccessToken: ACME.token, phoneNumberIds: [ACME.number] },
    { id: 'globex', appSecrets: ['g'], graphAccessToken: GLOBEX.token, phoneNumberIds: [GLOBEX.number] },
  ];
  const path = writeTenantsFile(t, tenants);
  const { post } = await startTestSender(t, { graph, env: { WABUS_TENANTS_FILE: path, WHATSAPP_ACCESS_TOKEN: '' } });

  for (const [who, tenant] of [
    [ACME, 'acme'],
    [GLOBEX, 'globex'],
  ] as const) {
    const res = await post(text(who.number), `k-${tenant}`);
    const view = (await res.json()) as { state: string; tenantId: string };
    assert.deepEqual([res.status, view.state, view.tenantId], [201, 'sent', tenant]);
  }
  assert.deepEqual(
    graph.requests.map((r) => [r.phoneNumberId, r.headers['authorization']]),
    [
      [ACME.number, `Bearer ${ACME.token}`],
      [GLOBEX.number, `Bearer ${GLOBEX.token}`],
    ],
  );

  const stranger = await post(text('3003'), 'k-3');
  assert.equal(stranger.status, 422);
  const named = await post(text(GLOBEX.number, { tenantId: 'acme' }), 'k-4');
  assert.equal(named.status, 422);
  assert.deepEqual(await named.json(), {
    error: { code: 'WABUS_SENDER_UNKNOWN_NUMBER', message: `no tenant acme owns ${GLOBEX.number}`, param: 'phoneNumberId' },
  });
  assert.equal(graph.requests.length, 2, 'nothing sent for a number outside its tenant');

  // A tenant added to the file is served after SIGHUP, with its own token.
  accessTokens['3003'] = 'initech-token';
  writeFileSync(
    path,
    JSON.stringify({ tenants: [...tenants, { id: 'initech', appSecrets: ['i'], graphAccessToken: 'initech-token', phoneNumberIds: ['3003'] }] }),
  );
  process.kill(process.pid, 'SIGHUP');
  await waitUntil('the new tenant served', async () => (await post(text('3003'), 'k-5')).status === 201);
  assert.equal(graph.requests.at(-1)?.headers['authorization'], 'Bearer initech-token');
});
