import { test } from 'node:test';
import assert from 'node:assert/strict';
import { produceRecords, readTopic, writeTenantsFile } from '@wabus/testing';
import { graphStandIn, mediaDir, mediaDoc, mediaEnv, mediaFixture, mediaRecords, startMedia, testKafka } from './media.test-support.ts';

const ACME = { number: '1001', token: 'acme-graph-token' };
const GLOBEX = { number: '2001', token: 'globex-graph-token' };

test("media-store: each tenant's media are looked up and downloaded with that tenant's token; a number no tenant owns takes WHATSAPP_ACCESS_TOKEN", async (t) => {
  const kafka = testKafka();
  const fx = await mediaFixture(t, kafka);
  // Meta scopes a token to its WABAs: another tenant's token answers 401 (code 190) here.
  const graph = await graphStandIn(t, { accessTokens: { [ACME.number]: ACME.token, [GLOBEX.number]: GLOBEX.token } });
  const a = await graph.media.add({ id: 'acme-media', size: 10_000, phoneNumberId: ACME.number });
  const g = await graph.media.add({ id: 'globex-media', size: 20_000, phoneNumberId: GLOBEX.number });
  const other = await graph.media.add({ id: 'other-media', size: 30_000 });
  const tenants = writeTenantsFile(t, [
    { id: 'acme', appSecrets: ['a'], graphAccessToken: ACME.token, phoneNumberIds: [ACME.number] },
    { id: 'globex', appSecrets: ['g'], graphAccessToken: GLOBEX.token, phoneNumberIds: [GLOBEX.number] },
  ]);
  const svc = await startMedia(t, mediaEnv({ ...fx, graphUrl: graph.url, extra: { MEDIA_STORE_DIR: mediaDir(t), WABUS_TENANTS_FILE: tenants } }));
  await produceRecords(kafka, fx.topic, [
    ...mediaRecords({ mediaId: a.id, sha256: a.sha256Base64, phoneNumberId: ACME.number }),
    ...mediaRecords({ mediaId: g.id, sha256: g.sha256Base64, phoneNumberId: GLOBEX.number }),
    ...mediaRecords({ mediaId: other.id, sha256: other.sha256Base64, phoneNumberId: '9999' }),
  ]);
  await svc.runtime.whenApplied();
  for (const m of [a, g, other]) assert.equal((await mediaDoc(svc, m.id))?.state, 'stored', m.id);
  const tokens = (id: string) => [...new Set(graph.requests.filter((r) => r.mediaId === id).map((r) => r.headers['authorization']))];
  assert.deepEqual(tokens(a.id), [`Bearer ${ACME.token}`]);
  assert.deepEqual(tokens(g.id), [`Bearer ${GLOBEX.token}`]);
  assert.deepEqual(tokens(other.id), [`Bearer ${graph.accessToken}`]);
  assert.ok(
    graph.requests.every((r) => r.status === 200),
    'no call was refused',
  );
  assert.equal((await readTopic(kafka, fx.dlqTopic)).length, 0);
});

test('media-store: a token Meta refuses (401, code 190) leaves the media pending at once (no retries) and dead-letters it, for a re-drive once the token is fixed (media-replay shows a re-drive)', async (t) => {
  const kafka = testKafka();
  const fx = await mediaFixture(t, kafka);
  const graph = await graphStandIn(t);
  const m = await graph.media.add({ id: 'refused-media', size: 5_000 });
  const svc = await startMedia(t, mediaEnv({ ...fx, graphUrl: graph.url, extra: { MEDIA_STORE_DIR: mediaDir(t), WHATSAPP_ACCESS_TOKEN: 'expired-token' } }));
  await produceRecords(kafka, fx.topic, mediaRecords({ mediaId: m.id, sha256: m.sha256 }));
  await svc.runtime.whenApplied();
  const doc = await mediaDoc(svc, m.id);
  assert.deepEqual(
    [doc?.state, doc?.attempts, doc?.lastError?.code, doc?.lastError?.httpStatus],
    ['pending', 1, 190, 401],
    'one call, no retries of a refusal',
  );
  assert.equal(graph.requests.length, 1);
  const dead = await readTopic(kafka, fx.dlqTopic);
  assert.equal(dead.length, 1);
});
