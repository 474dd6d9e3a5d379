import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { VERSION } from './version.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bin = join(here, 'bin', 'virt-platform-operator.js');

describe('version', () => {
  it("is package.json's, and `--version` / `version` print it", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    assert.equal(VERSION, pkg.version);
    for (const arg of ['--version', 'version']) {
      const r = spawnSync(process.execPath, [bin, arg], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `virt-platform-operator ${pkg.version}\n`);
    }
  });

  it('the image tag in the manifests is v<version>', () => {
    const deployment = readFileSync(join(root, 'manifests', 'deployment.yaml'), 'utf8');
    const kustomization = readFileSync(join(root, 'manifests', 'kustomization.yaml'), 'utf8');
    assert.match(deployment, new RegExp(`image: quay\\.io/kubevirt/virt-platform-operator:v${VERSION.replace(/\./g, '\\.')}\\n`));
    assert.match(kustomization, new RegExp(`newTag: v${VERSION.replace(/\./g, '\\.')}\\n`));
  });
});
