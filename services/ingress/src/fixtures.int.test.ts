import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeEvent } from '@wabus/events';
import { readTopic } from '@wabus/testing';
import { startTestIngress } from './test-helpers.ts';

// Public libraries' webhook bodies, kept beside the repo (never copied into it).
const dir = fileURLToPath(new URL('../../../../shared/fixtures/whatsapp/', import.meta.url));
const present = existsSync(dir);

interface Expected {
  file: string;
  kind: 'message' | 'status' | 'message_echo';
  id: string;
}

function expectedIds(file: string, doc: { entry?: { changes?: { value?: Record<string, unknown> }[] }[] }): Expected[] {
  const out: Expected[] = [];
  for (const entry of doc.entry ?? []) {
    for (const change of entry.changes ?? []) {
      const v = change.value ?? {};
      for (const [array, kind] of [
        ['messages', 'message'],
        ['statuses', 'status'],
        ['message_echoes', 'message_echo'],
      ] as const) {
        for (const item of (v[array] as { id?: string }[] | undefined) ?? []) if (item.id) out.push({ file, kind, id: item.id });
      }
    }
  }
  return out;
}

test(
  'conformance: every shared fixture posted signed is accepted and every message, status and echo id reaches the topic',
  { skip: present ? false : `fixtures folder ${dir} is absent` },
  async (t) => {
    const { kafka, topics, post } = await startTestIngress(t);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    assert.ok(files.length >= 80, `expected the shared fixtures, found ${files.length}`);
    const expected: Expected[] = [];
    for (const file of files) {
      const body = readFileSync(`${dir}/${file}`);
      const res = await post(body);
      assert.equal(res.statusCode, 200, `${file}: ${res.body}`);
      assert.equal(res.json().disposition, 'accepted', `${file} must not be quarantined: ${res.body}`);
      expected.push(...expectedIds(file, JSON.parse(body.toString('utf8'))));
    }
    const events = (await readTopic(kafka, topics.eventsTopic, { timeoutMs: 30_000 })).map((r) => decodeEvent(r.value!));
    const seen = new Set(events.map((e) => `${e.kind}|${e.itemId}`));
    const missing = expected.filter((x) => !seen.has(`${x.kind}|${x.id}`));
    assert.deepEqual(missing, [], 'ids missing from the topic');
    assert.ok(expected.length > 60);
  },
);
