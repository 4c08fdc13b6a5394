import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceRegistry } from '@wabus/service/registry';
import { imageFile, interpolate, readCompose } from './compose-workloads.ts';

const compose = readCompose();
const registry = serviceRegistry();

test('given docker-compose.yml, then Kafka, MongoDB and Jaeger are there as before, and every wabus container is built from the Dockerfile', () => {
  for (const infra of ['kafka', 'mongo', 'jaeger']) assert.ok(compose.services[infra]?.image, infra);
  for (const s of registry) {
    const c = compose.services[s.name];
    assert.ok(c, `${s.name} is a compose service`);
    assert.deepEqual([c.build, c.image, c.command, c.profiles], ['.', 'wabus:local', [s.name], ['app']], s.name);
    assert.deepEqual(c.ports, [`127.0.0.1:${s.port}:${s.port}`], s.name);
    assert.equal(c.depends_on?.['topics']?.condition, 'service_completed_successfully', `${s.name} waits for the topics`);
    if (s.kind !== 'ingress') assert.equal(c.depends_on?.['mongo']?.condition, 'service_healthy', `${s.name} waits for the store`);
    assert.ok(c.healthcheck?.test.join(' ').includes(`http://127.0.0.1:${s.port}/readyz`), `${s.name}'s healthcheck asks its own /readyz`);
  }
});

test('given the topics container, then it applies a topics file of the image once Kafka is healthy', () => {
  const topics = compose.services['topics']!;
  assert.deepEqual(topics.command?.slice(0, 3), ['topics', 'apply', '--file']);
  assert.ok(imageFile(`/app/${topics.command![3]}`) !== undefined, `${topics.command![3]} is in the image`);
  assert.equal(topics.depends_on?.['kafka']?.condition, 'service_healthy');
});

test("given the containers' brokers, then Kafka advertises that listener to them (and 127.0.0.1:9092 to the host)", () => {
  const listeners = String(compose.services['kafka']!.environment?.['KAFKA_ADVERTISED_LISTENERS']).split(',');
  for (const name of [...registry.map((s) => s.name), 'topics']) {
    const brokers = String(compose.services[name]!.environment?.['KAFKA_BROKERS']);
    assert.ok(
      listeners.some((l) => l.endsWith(`//${brokers}`)),
      `${name}: ${brokers} in ${listeners.join(',')}`,
    );
  }
  assert.ok(listeners.includes('PLAINTEXT://127.0.0.1:9092'));
});

test('given compose variables, then defaults apply when unset and $$ is a dollar', () => {
  assert.equal(interpolate('${A:-x=y}'), 'x=y');
  assert.equal(interpolate('${A-d}/${B}'), 'd/');
  assert.equal(interpolate('$$HOME'), '$HOME');
});
