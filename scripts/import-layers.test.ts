import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkTree, importsOf, LAYERS, violation } from './import-layers.js';
import { repoPath } from './repo.js';

const SCRIPT = fileURLToPath(new URL('./check-imports.js', import.meta.url));
const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A tree of TypeScript files (path → source) in a temp folder. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'vpo-layers-'));
  made.push(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

describe('the import-direction rule', () => {
  it('lets a layer import itself and the layers below it', () => {
    assert.equal(violation('operator/chain/lookup-step.ts', 'operator/chain/builder.ts'), undefined);
    assert.equal(violation('operator/chain/lookup-step.ts', 'operator/kube/client.ts'), undefined);
    assert.equal(violation('operator/controller/reconciler.ts', 'operator/watch/cluster-cache.ts'), undefined);
    assert.equal(violation('operator/cli/run-command.ts', 'operator/operator.ts'), undefined);
    assert.equal(violation('operator/render/helpers.ts', 'operator/catalog/openshift.ts'), undefined);
  });

  it('refuses an import of a layer above', () => {
    assert.match(
      violation('operator/kube/events.ts', 'operator/chain/outcome.ts') ?? '',
      /\(kube\) imports operator\/chain\/outcome.ts \(chain\), a layer above it/,
    );
    assert.match(violation('operator/watch/cluster-cache.ts', 'operator/chain/run.ts') ?? '', /a layer above/);
    assert.match(violation('operator/util/diff.ts', 'operator/patch/json-pointer.ts') ?? '', /a layer above/);
    assert.match(violation('operator/chain/record-step.ts', 'operator/controller/reconciler.ts') ?? '', /a layer above/);
  });

  it('keeps the members of one layer apart (util/ and log.ts)', () => {
    assert.match(violation('operator/util/dig.ts', 'operator/log.ts') ?? '', /do not import each other/);
    assert.equal(violation('operator/http/metrics.ts', 'operator/leader/leader-elector.ts'), undefined, 'http reports leadership');
    assert.match(violation('operator/leader/leader-elector.ts', 'operator/http/metrics.ts') ?? '', /a layer above/);
  });

  it('keeps the operator inside operator/, and every file in a layer', () => {
    assert.match(violation('operator/cli/run-command.ts', 'scripts/repo.ts') ?? '', /outside the operator/);
    assert.match(violation('operator/newfolder/x.ts', 'operator/util/dig.ts') ?? '', /belongs to no layer/);
  });

  it('lets tools use the operator and each other, never the tests; tests import anything', () => {
    assert.equal(violation('rbac-gen/collect.ts', 'operator/chain/chain.ts'), undefined);
    assert.equal(violation('scripts/demo.ts', 'localcluster/controlplane.ts'), undefined);
    assert.match(violation('scripts/demo.ts', 'e2e/support/operator-fixture.ts') ?? '', /imports test code/);
    assert.match(violation('rbac-gen/rbac-gen.ts', 'envtest/harness.ts') ?? '', /imports test code/);
    assert.match(violation('operator/chain/chain.ts', 'e2e/support/bounds.ts') ?? '', /imports test code/);
    assert.equal(violation('operator/util/dig.test.ts', 'e2e/support/bounds.ts'), undefined);
    assert.equal(violation('e2e/chain.test.ts', 'operator/controller/reconciler.ts'), undefined);
  });

  it('reads static, dynamic and re-exported imports', () => {
    const text = "import a from './a.js';\nexport { b } from '../b.js';\nconst c = await import('./c/d.js');\nimport fs from 'node:fs';\n";
    assert.deepEqual(importsOf('/r', 'operator/x/y.ts', text), ['operator/x/a.ts', 'operator/b.ts', 'operator/x/c/d.ts']);
  });

  it('names every layer, top to bottom, in docs/architecture.md', () => {
    const doc = readFileSync(repoPath('docs', 'architecture.md'), 'utf8');
    let at = doc.indexOf('## Layers');
    assert.ok(at >= 0, 'docs/architecture.md has a Layers section');
    for (const layer of [...LAYERS].reverse()) {
      for (const m of layer.members) {
        const i = doc.indexOf(m, at);
        assert.ok(i >= 0, `${m} (layer ${layer.name}) appears, in order, in the Layers section`);
        at = i;
      }
    }
  });
});

describe('check-imports (the step of npm test)', () => {
  it('passes on this repository', () => {
    assert.deepEqual(checkTree(repoPath()), []);
    const r = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('fails, naming the file and the import, when a file imports a layer above it', () => {
    const root = tree({
      'operator/kube/client.ts': 'export const client = 1;\n',
      'operator/chain/chain.ts': "import { client } from '../kube/client.js';\nexport const chain = client;\n",
      'operator/kube/events.ts': "import { chain } from '../chain/chain.js';\nexport const e = chain;\n",
    });
    assert.deepEqual(checkTree(root, ['operator']), ['operator/kube/events.ts (kube) imports operator/chain/chain.ts (chain), a layer above it']);
    const r = spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /operator\/kube\/events\.ts \(kube\) imports operator\/chain\/chain\.ts \(chain\), a layer above it/);
  });

  it('fails when a tool imports the test harness', () => {
    const root = tree({
      'envtest/harness.ts': 'export const h = 1;\n',
      'rbac-gen/rbac-gen.ts': "import { h } from '../envtest/harness.js';\nexport const x = h;\n",
    });
    const r = spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /rbac-gen\/rbac-gen\.ts imports test code envtest\/harness\.ts/);
  });
});
