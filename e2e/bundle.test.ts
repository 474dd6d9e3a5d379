// The OLM bundle: generated from the manifests and rbac-gen's rules, validated by the
// operator-framework's own validation library (envtest/go/olm-validate over
// github.com/operator-framework/api: the default bundle validators plus the operatorframework
// suite, as `operator-sdk bundle validate` runs them), and accepted by the API server under the
// OLM CRDs (a strict create of the ClusterServiceVersion and the extra RBAC objects).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { ensureGoTool, GO_TOOLS } from '../envtest/go-tools.js';
import { crdDir } from '../localcluster/crds.js';
import { testCluster, testNamespace } from '../envtest/harness.js';
import { repoPath } from '../scripts/repo.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { VERSION } from '../operator/version.js';
import { generateRole } from '../rbac-gen/generate.js';
import { CHANNEL, IMAGE_REPO, PACKAGE } from '../scripts/bundle-csv.js';
import { generateBundle } from '../scripts/bundle.js';

const CSV_FILE = repoPath('bundle', 'manifests', `${PACKAGE}.clusterserviceversion.yaml`);

interface Report {
  package: string;
  csv: string;
  channels: string[];
  validators: string[];
  errors: { detail: string }[];
  warnings: { detail: string }[];
}

type Csv = KubeObject & {
  spec: {
    version: string;
    installModes: { type: string; supported: boolean }[];
    install: {
      strategy: string;
      spec: {
        clusterPermissions: { serviceAccountName: string; rules: unknown[] }[];
        permissions: { rules: unknown[] }[];
        deployments: { name: string; spec: { template: { spec: { priorityClassName?: string; containers: { image: string }[] } } } }[];
      };
    };
    customresourcedefinitions: { owned?: unknown[]; required: { name: string; version: string; kind: string }[] };
    relatedImages: { name: string; image: string }[];
  };
};

describe('OLM bundle', () => {
  let validator: string;
  let work: string;
  before(async () => {
    validator = await ensureGoTool(GO_TOOLS.olmValidate);
    work = mkdtempSync(join(tmpdir(), 'vpo-bundle-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const validate = (dir: string): { code: number | null; report: Report; stderr: string } => {
    const r = spawnSync(validator, ['-k8s-version', '1.36', dir], { encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, report: (r.stdout ? JSON.parse(r.stdout) : {}) as Report, stderr: r.stderr };
  };

  it('the committed bundle is what npm run bundle generates', async () => {
    for (const f of await generateBundle()) assert.equal(readFileSync(repoPath(f.path), 'utf8'), f.text, `${f.path} is stale: npm run bundle`);
  });

  it('passes the operator-framework validators with no error and no warning', () => {
    const { code, report, stderr } = validate(repoPath('bundle'));
    assert.equal(code, 0, stderr);
    process.stderr.write(
      `olm-validate: ${report.csv} (package ${report.package}, channels ${report.channels.join(',')}): ${report.validators.join(', ')}: ${report.errors.length} errors, ${report.warnings.length} warnings\n`,
    );
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.warnings, []);
    assert.equal(report.package, PACKAGE);
    assert.deepEqual(report.channels, [CHANNEL]);
    assert.equal(report.csv, `${PACKAGE}.v${VERSION}`);
  });

  it('the validator catches a broken CSV (so the check above can fail)', () => {
    const dir = join(work, 'broken');
    cpSync(repoPath('bundle'), dir, { recursive: true });
    const file = join(dir, 'manifests', `${PACKAGE}.clusterserviceversion.yaml`);
    const csv = yaml.load(readFileSync(file, 'utf8')) as Csv;
    csv.spec.installModes = csv.spec.installModes.map((m) => ({ ...m, supported: false }));
    writeFileSync(file, yaml.dump(csv));
    const { code, report } = validate(dir);
    assert.equal(code, 1);
    assert.match(report.errors.map((e) => e.detail).join('\n'), /none of InstallModeTypes are supported/);
  });

  it("CSV: version and image from package.json, clusterPermissions = rbac-gen's rules, HyperConverged required, no owned CRDs", async () => {
    const csv = yaml.load(readFileSync(CSV_FILE, 'utf8')) as Csv;
    const image = `${IMAGE_REPO}:v${VERSION}`;
    assert.equal(csv.spec.version, VERSION);
    assert.deepEqual(csv.spec.relatedImages, [{ name: PACKAGE, image }]);
    const dep = csv.spec.install.spec.deployments[0]!;
    assert.equal(dep.spec.template.spec.containers[0]!.image, image);
    assert.equal(dep.spec.template.spec.priorityClassName, 'system-cluster-critical');
    const role = yaml.load((await generateRole({ assetsDir: repoPath('assets'), crdDir: crdDir() })).yaml) as { rules: unknown[] };
    assert.deepEqual(csv.spec.install.spec.clusterPermissions, [{ serviceAccountName: 'virt-platform-operator', rules: role.rules }]);
    const leader = (yaml.loadAll(readFileSync(repoPath('manifests', 'rbac', 'leader-election.yaml'), 'utf8')) as (KubeObject & { rules?: unknown[] })[]).find(
      (d) => d.kind === 'Role',
    )!;
    assert.deepEqual(csv.spec.install.spec.permissions[0]!.rules, leader.rules);
    assert.deepEqual(
      csv.spec.installModes.filter((m) => m.supported).map((m) => m.type),
      ['AllNamespaces'],
    );
    assert.deepEqual(
      csv.spec.customresourcedefinitions.required.map((c) => `${c.kind}/${c.name}/${c.version}`),
      ['HyperConverged/hyperconvergeds.hco.kubevirt.io/v1'],
    );
    assert.equal(csv.spec.customresourcedefinitions.owned, undefined);
  });

  it("the API server accepts the CSV under the OLM CRD (strict) and the bundle's RBAC objects", async () => {
    const cluster = await testCluster();
    const ns = await testNamespace(cluster, 'olm');
    const csv = yaml.load(readFileSync(CSV_FILE, 'utf8')) as Csv;
    csv.metadata = { ...csv.metadata, namespace: ns };
    const created = await cluster.admin.create<Csv>(`/apis/operators.coreos.com/v1alpha1/namespaces/${ns}/clusterserviceversions`, csv, {
      fieldValidation: 'Strict',
    });
    assert.equal(created.spec.install.spec.deployments[0]!.name, 'virt-platform-operator');
    assert.equal(created.spec.install.spec.clusterPermissions[0]!.rules.length, csv.spec.install.spec.clusterPermissions[0]!.rules.length);
    for (const f of (await generateBundle()).filter((b) => /_rbac\.authorization\.k8s\.io_v1_/.test(b.path))) {
      const o = yaml.load(f.text) as KubeObject;
      const plural = `${o.kind!.toLowerCase()}s`;
      const path = o.kind === 'ClusterRole' ? `/apis/rbac.authorization.k8s.io/v1/${plural}` : `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/${plural}`;
      await cluster.admin.create(path, o, { dryRun: 'All', fieldValidation: 'Strict' });
    }
    // An unknown field is refused: the strict create above really checked the schema.
    await assert.rejects(
      cluster.admin.create(
        `/apis/operators.coreos.com/v1alpha1/namespaces/${ns}/clusterserviceversions`,
        { ...csv, metadata: { name: 'broken', namespace: ns }, spec: { ...csv.spec, installModez: [] } },
        { fieldValidation: 'Strict' },
      ),
      /unknown field "spec.installModez"/,
    );
  });
});
