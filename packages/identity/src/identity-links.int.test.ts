import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { MongoClient } from 'mongodb';
import type { Alias } from '@wabus/events';
import { testEnv, uniqueName } from '@wabus/testing';
import { createIdentityLinks, ensureIdentityIndexes, type LinkDoc, type Person } from './identity-links.ts';

async function linksCollection(t: TestContext) {
  const client = new MongoClient(testEnv().mongoUri);
  await client.connect();
  const db = client.db(uniqueName('identity'));
  t.after(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });
  const links = db.collection<LinkDoc>('identity_links');
  await ensureIdentityIndexes(links);
  return links;
}

const PHONE: Alias = 'phone:5511987654321';
const BSUID: Alias = 'bsuid:BR.1502576394655843';
const NEW_PHONE: Alias = 'phone:5521912345678';
const NEW_BSUID: Alias = 'bsuid:BR.9930111222333444';

/** Every permutation of a list (the orders a set of bodies can arrive in). */
function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

test('identity links: an alias nobody linked is a person of its own; a body with both ids links them, in every order, to the smallest alias', async (t) => {
  const bodies: Alias[][] = [[PHONE, BSUID], [BSUID], [PHONE]];
  for (const order of permutations(bodies)) {
    const map = createIdentityLinks(await linksCollection(t));
    const seenIds: Alias[] = [];
    for (const aliases of order) {
      await map.link([{ scope: 'n1', aliases }]);
      const person = (await map.resolve([{ scope: 'n1', aliases }])).get('n1')!.get(aliases[0]!)!;
      seenIds.push(person.id);
    }
    const end: Map<Alias, Person> = (
      await map.resolve([
        { scope: 'n1', aliases: [PHONE] },
        { scope: 'n1', aliases: [BSUID] },
      ])
    ).get('n1')!;
    assert.deepEqual(end.get(PHONE), { id: BSUID, aliases: [BSUID, PHONE] }, `order ${JSON.stringify(order)}`);
    assert.equal(end.get(BSUID), end.get(PHONE));
    // Before the linking body, the phone-only body named its own person (nothing says they are one yet).
    if (order[0]!.length === 1 && order[0]![0] === PHONE) assert.equal(seenIds[0], PHONE);
  }
});

test('identity links: a number change and a BSUID change chain onto the same person; scopes do not see each other', async (t) => {
  const map = createIdentityLinks(await linksCollection(t));
  await map.link([{ scope: 'n1', aliases: [PHONE, BSUID] }]);
  // user_changed_number: old phone, new phone, previous and new BSUID in one notice
  await map.link([{ scope: 'n1', aliases: [PHONE, NEW_PHONE, BSUID, NEW_BSUID] }]);
  await map.link([{ scope: 'n2', aliases: [NEW_PHONE] }]);
  const r = await map.resolve([
    { scope: 'n1', aliases: [NEW_PHONE] },
    { scope: 'n2', aliases: [NEW_PHONE, PHONE] },
  ]);
  assert.deepEqual(r.get('n1')!.get(NEW_PHONE), { id: BSUID, aliases: [BSUID, NEW_BSUID, PHONE, NEW_PHONE].sort() });
  assert.deepEqual(r.get('n2')!.get(NEW_PHONE), { id: NEW_PHONE, aliases: [NEW_PHONE] });
  assert.deepEqual(r.get('n2')!.get(PHONE), { id: PHONE, aliases: [PHONE] });
});

test('identity links: writers linking one component at once (as replicas do) all end up naming the same person', async (t) => {
  const links = await linksCollection(t);
  const aliases: Alias[] = Array.from({ length: 12 }, (_, i) => `phone:55119000000${String(i).padStart(2, '0')}` as Alias);
  // 11 writers, each linking a neighbouring pair, all at once, each with its own map (its own process).
  await Promise.all(aliases.slice(1).map((a, i) => createIdentityLinks(links).link([{ scope: 's', aliases: [aliases[i]!, a] }])));
  // and the same links again (a redelivery): nothing new, no error
  await Promise.all(aliases.slice(1).map((a, i) => createIdentityLinks(links).link([{ scope: 's', aliases: [a, aliases[i]!] }])));
  assert.equal(await links.countDocuments({ s: 's' }), 11);
  const r = (await createIdentityLinks(links).resolve([{ scope: 's', aliases: [aliases[11]!] }])).get('s')!;
  assert.deepEqual(r.get(aliases[11]!), { id: aliases[0], aliases });
});

test('identity links: a body that would make a person of more than 64 aliases is refused, and reported; resolving never fails', async (t) => {
  const links = await linksCollection(t);
  const map = createIdentityLinks(links);
  const aliases = Array.from({ length: 70 }, (_, i) => `phone:1${String(i).padStart(3, '0')}` as Alias);
  // one hostile body naming 70 ids: refused whole
  assert.deepEqual(await map.link([{ scope: 's', aliases }]), [{ scope: 's', aliases }]);
  // 69 bodies of two ids each, in one batch: the chain grows to 64 aliases, the one link past it is refused (the
  // ones after it make a person of their own)
  const pairs = aliases.slice(1).map((a, i) => ({ scope: 's', aliases: [aliases[i]!, a] }));
  const refused = await map.link(pairs);
  assert.deepEqual(refused, [pairs[63]]);
  const person = (await map.resolve([{ scope: 's', aliases: [aliases[0]!] }])).get('s')!.get(aliases[0]!)!;
  assert.equal(person.aliases.length, 64);
  assert.deepEqual((await map.resolve([{ scope: 's', aliases: [aliases[69]!] }])).get('s')!.get(aliases[69]!), { id: aliases[64], aliases: aliases.slice(64) });
  // and resolving many unrelated aliases at once is fine (the walk is bounded per alias asked, not per scope)
  const many = Array.from({ length: 200 }, (_, i) => [`phone:2${String(i).padStart(3, '0')}`, `bsuid:BR.${i}`] as Alias[]);
  assert.deepEqual(await map.link(many.map((a) => ({ scope: 'm', aliases: a }))), []);
  const all = (await map.resolve(many.map((a) => ({ scope: 'm', aliases: [a[0]!] })))).get('m')!;
  assert.equal(new Set([...all.values()].map((p) => p.id)).size, 200);
});
