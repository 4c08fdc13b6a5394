import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installGoTool } from './go-build.ts';

/** A `go` that answers `version` and `mod download`, and whose `build` takes a moment and counts itself in `log`. */
function fakeGo(dir: string, log: string): string {
  const go = join(dir, 'go');
  writeFileSync(
    go,
    `#!/bin/sh
case "$1" in
  version) echo "go version go1.26.0 linux/amd64" ;;
  mod) echo '{"Dir": "${dir}"}' ;;
  build) echo build >> "${log}"; sleep 1; while [ "$1" != "-o" ]; do shift; done; printf '#!/bin/sh\\n' > "$2"; chmod +x "$2" ;;
esac
`,
  );
  chmodSync(go, 0o755);
  return go;
}

test('given two callers at once and no binary in the cache, then the tool is built once; both get it, the second as cached', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'go-tool-'));
  const log = join(dir, 'builds.log');
  const env = { ...process.env, GO: fakeGo(dir, log) };
  const tool = {
    what: 'tool v1',
    module: 'example.com/tool',
    version: 'v1.0.0',
    toolVersion: 'v1',
    pkg: './cmd/tool',
    ldflags: '',
    binary: join(dir, 'bin', 'tool'),
  };
  const results = await Promise.all([installGoTool(tool, { env }), installGoTool(tool, { env })]);
  assert.equal(readFileSync(log, 'utf8'), 'build\n', 'one go build');
  assert.deepEqual(results.map((r) => r.built).sort(), [false, true]);
  assert.ok(results.every((r) => r.binary === tool.binary && r.version === 'v1'));
  assert.equal((await installGoTool(tool, { env })).built, false, 'then from the cache');
});
