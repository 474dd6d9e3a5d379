// The rbac-gen command: writes the role, --check passes on a fresh file and fails with a diff on a
// stale one. Also: the real asset library gives the same role with the fixture CRDs and $CRD_DIR.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fixtureCrdDir } from '../localcluster/crds.js';
import { repoPath } from '../scripts/repo.js';
import { generateRole } from './generate.js';
import { writeAssets } from './test-assets.js';

const BIN = repoPath('dist', 'rbac-gen', 'rbac-gen.js');
const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function rbacGen(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--crds-dir', fixtureCrdDir, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('rbac-gen command', () => {
  it('writes the role, then --check passes', () => {
    const dir = writeAssets(made);
    const out = join(dir, 'out', 'role.yaml');
    const w = rbacGen('--assets-dir', dir, '--output', out);
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stdout, /wrote .*role\.yaml \(\d+ rules\)/);
    assert.match(readFileSync(out, 'utf8'), /^# AUTO-GENERATED — DO NOT EDIT \(npm run rbac-gen\)\n/);
    const c = rbacGen('--assets-dir', dir, '--output', out, '--check');
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /is up to date/);
    assert.match(rbacGen('--assets-dir', dir, '--output', out).stdout, /unchanged/);
  });

  it('--check exits 1 with a diff when the committed role is stale, and does not write', () => {
    const dir = writeAssets(made);
    const out = join(dir, 'role.yaml');
    assert.equal(rbacGen('--assets-dir', dir, '--output', out).code, 0);
    const fresh = readFileSync(out, 'utf8');
    // Someone removed patch from MachineConfigs by hand.
    const stale = fresh.replace(/(resources: \["machineconfigs"\]\n {4}verbs: \[[^\]]*), "patch"/, '$1');
    assert.notEqual(stale, fresh);
    writeFileSync(out, stale);
    const c = rbacGen('--assets-dir', dir, '--output', out, '--check');
    assert.equal(c.code, 1);
    assert.match(c.stdout, /^--- .*role\.yaml \(committed\)\n\+\+\+ .*role\.yaml \(generated from assets\/\)\n@@ /);
    assert.match(
      c.stdout,
      /\n- {4}verbs: \["get", "list", "watch", "create", "delete"\]\n\+ {4}verbs: \["get", "list", "watch", "create", "patch", "delete"\]\n/,
    );
    assert.match(c.stderr, /is stale: run `npm run rbac-gen`/);
    assert.equal(readFileSync(out, 'utf8'), stale, '--check never writes');
  });

  it('--check fails when the role file does not exist', () => {
    const dir = writeAssets(made);
    const c = rbacGen('--assets-dir', dir, '--output', join(dir, 'missing.yaml'), '--check');
    assert.equal(c.code, 1);
    assert.match(c.stdout, /does not exist/);
    assert.ok(!existsSync(join(dir, 'missing.yaml')));
  });

  it('prints a one-line error and exits 1 when a kind cannot be mapped', () => {
    const dir = writeAssets(made, undefined, undefined, { 'gadget.yaml': 'apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n' });
    const c = rbacGen('--assets-dir', dir, '--output', join(dir, 'role.yaml'));
    assert.equal(c.code, 1);
    assert.match(c.stderr, /tombstones\/gadget\.yaml: Gadget example\.com\/v1: no CRD for it/);
    assert.doesNotMatch(c.stderr, /\n\s+at /, 'no stack trace');
  });

  it('rejects unknown flags with usage and exit 2', () => {
    const c = rbacGen('--nope');
    assert.equal(c.code, 2);
    assert.match(c.stderr, /Usage: rbac-gen/);
  });

  it('gives the same role for the real asset library with the fixture CRDs and with $CRD_DIR', async (t) => {
    if (!process.env.CRD_DIR) {
      t.skip('CRD_DIR is not set: only the fixture CRDs are here');
      return;
    }
    const assetsDir = repoPath('assets');
    const a = await generateRole({ assetsDir, crdDir: fixtureCrdDir });
    const b = await generateRole({ assetsDir, crdDir: process.env.CRD_DIR });
    assert.equal(a.yaml, b.yaml);
  });
});
