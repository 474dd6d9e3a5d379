// docs/assets.md generation: complete (every asset, its conditions and requirements), deterministic,
// and `--check` fails with a regeneration hint when the file is stale.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../operator/catalog/catalog.js';
import { repoPath } from './repo.js';
import { describeCondition, generateAssetsDoc } from './gen-assets-doc.js';

const SCRIPT = fileURLToPath(new URL('./gen-assets-doc.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'vpo-assets-doc-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('gen-assets-doc', () => {
  const assets = repoPath('assets');
  const doc = generateAssetsDoc(assets);

  it('lists every asset with family, kind, install mode, opt-in, conditions, CRD and description', () => {
    for (const a of loadCatalog(assets).assets) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${a.name}\` |`));
      assert.ok(row, `summary row for ${a.name}`);
      assert.ok(row.includes(` ${a.family} `) && row.includes(` ${a.kind} `) && row.includes(` ${a.install} `), row);
      if (a.gateCrd) assert.ok(row.includes(a.gateCrd), `${a.name}: CRD`);
      for (const c of a.conditions) assert.ok(doc.includes(describeCondition(c)), `${a.name}: ${c.type}`);
      assert.ok(doc.includes(`#### ${a.name}\n\n${a.description}\n`), `${a.name}: section with description`);
    }
    assert.match(doc, /`platform\.kubevirt\.io\/enable-mtv: "true"`/);
    assert.match(doc, /Reads HCO annotations:\*\* `platform\.kubevirt\.io\/kubelet-max-pods`/);
    assert.match(doc, /\| MachineConfig \| machineconfiguration\.openshift\.io\/v1 \| - \| `50-virt-swap-enable` \|/);
  });

  it('shows the feature table: every feature once, with its maturity, how to turn it on, what it requires and its assets', () => {
    const catalog = loadCatalog(assets);
    assert.ok(catalog.features.length >= 20, `${catalog.features.length} features`);
    const table = doc.slice(doc.indexOf('## Features'));
    for (const f of catalog.features) {
      const rows = table.split('\n').filter((l) => l.startsWith(`| **${f.title}** (\`${f.name}\`) |`));
      assert.equal(rows.length, 1, `${f.name}: one row`);
      const cells = rows[0]!.split(' | ');
      assert.equal(cells[1], f.maturity, `${f.name}: maturity`);
      for (const k of f.enable) assert.ok(cells[2]!.includes(`\`${k}: "true"\``), `${f.name}: turned on by ${k}`);
      if (!f.enable.length && !f.featureGates.length) assert.equal(cells[2], 'on with the autopilot', f.name);
      for (const r of f.requires) assert.ok(cells[3]!.includes(r), `${f.name}: requires ${r}`);
      for (const a of f.assets) assert.ok(cells[4]!.includes(`\`${a}\``), `${f.name}: asset ${a}`);
    }
    const logging = catalog.features.find((f) => f.name === 'logging')!;
    assert.deepEqual([logging.maturity, logging.enable], ['Dev Preview', ['platform.kubevirt.io/enable-logging']]);
  });

  it('says what each node-level asset disrupts (the pool it reboots) and what the admin provides', () => {
    for (const a of loadCatalog(assets).assets.filter((x) => x.family === 'machine-config')) {
      const pool = a.templateParams.role as string;
      assert.match(a.disrupts ?? '', new RegExp(`^reboots pool ${pool}\\b`), `${a.name}: disrupts`);
      assert.ok((a.adminProvides ?? '').length > 5, `${a.name}: admin_provides`);
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${a.name}\` |`))!;
      assert.ok(row.includes(`| ${a.disrupts} | ${a.adminProvides} |`), `${a.name}: rendered into the summary table`);
      assert.ok(doc.includes(`- **Disrupts:** ${a.disrupts}`), `${a.name}: rendered into its section`);
    }
  });

  it('says for every other asset too what it disrupts and what the admin provides', () => {
    for (const a of loadCatalog(assets).assets) {
      assert.ok((a.disrupts ?? '').length > 3, `${a.name}: disrupts`);
      assert.ok((a.adminProvides ?? '').length > 3, `${a.name}: admin_provides`);
      assert.ok(doc.includes(`- **Disrupts:** ${a.disrupts}`), `${a.name}: rendered into its section`);
    }
  });

  it('is deterministic', () => {
    assert.equal(generateAssetsDoc(assets), doc);
  });

  it('the committed docs/assets.md is up to date', () => {
    assert.equal(readFileSync(repoPath('docs', 'assets.md'), 'utf8'), doc, 'run: node dist/scripts/gen-assets-doc.js');
  });

  it('writes the file, then --check passes; a stale or missing file fails --check with the command to regenerate', () => {
    const dir = join(tmp, 'assets');
    cpSync(assets, dir, { recursive: true });
    const out = join(tmp, 'assets.md');
    assert.equal(run('--check', '--assets', dir, '--out', out).status, 1, 'missing file');
    const w = run('--assets', dir, '--out', out);
    assert.equal(w.status, 0, w.stderr);
    assert.equal(readFileSync(out, 'utf8'), doc);
    assert.equal(run('--check', '--assets', dir, '--out', out).status, 0);
    // The catalog changes (a description is edited): the committed doc is now stale.
    const meta = join(dir, 'metadata.yaml');
    writeFileSync(meta, readFileSync(meta, 'utf8').replace('MetalLB instance, so', 'MetalLB instance so'));
    const c = run('--check', '--assets', dir, '--out', out);
    assert.equal(c.status, 1);
    assert.match(c.stderr, /is stale/);
    assert.match(c.stderr, /Regenerate it with: node dist\/scripts\/gen-assets-doc\.js/);
  });

  it('reports a broken catalog instead of writing a doc', () => {
    const dir = join(tmp, 'broken');
    cpSync(assets, dir, { recursive: true });
    writeFileSync(join(dir, 'metadata.yaml'), 'assets:\n  - name: x\n');
    const r = run('--assets', dir, '--out', join(tmp, 'never.md'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /gen-assets-doc: .*"path" must be a non-empty string/);
  });
});
