import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIgnored, parseDockerignore } from './dockerignore.ts';

test('given patterns, then a path is left out when it or a parent matches, the last matching rule deciding', () => {
  const rules = parseDockerignore('# c\n**/node_modules\ndocs\n*.md\n**/*.test.ts\n!docs/keep.md\n/infra/kafka/\n');
  assert.equal(isIgnored(rules, 'node_modules/x/index.js'), true);
  assert.equal(isIgnored(rules, 'packages/a/node_modules/b.js'), true);
  assert.equal(isIgnored(rules, 'docs/deploy.md'), true);
  assert.equal(isIgnored(rules, 'docs/keep.md'), false);
  assert.equal(isIgnored(rules, 'README.md'), true);
  assert.equal(isIgnored(rules, 'packages/a/README.md'), false, '*.md is the root only');
  assert.equal(isIgnored(rules, 'services/x/src/a.test.ts'), true);
  assert.equal(isIgnored(rules, 'services/x/src/a.ts'), false);
  assert.equal(isIgnored(rules, 'infra/kafka/pom.xml'), true);
  assert.equal(isIgnored(rules, 'infra/topics.json'), false);
});
