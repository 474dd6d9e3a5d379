// The offline render CLI: same chain as the operator, kubectl-applyable output, clear one-line
// errors with exit code 2 for bad input, refused annotations shown with their reason.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { crdDir } from '../localcluster/crds.js';
import { testCluster, testNamespace, type TestCluster } from '../envtest/harness.js';
import { repoPath } from '../scripts/repo.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { OPERATOR_BIN } from '../localcluster/operator-process.js';

const FIXTURE_ASSETS = repoPath('e2e', 'fixtures', 'engine-assets');

function cli(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [OPERATOR_BIN, ...args], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'vpo-render-'));
function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

function hcoYaml(ns: string, annotations: Record<string, string> = {}): string {
  return yaml.dump({
    apiVersion: 'hco.kubevirt.io/v1',
    kind: 'HyperConverged',
    metadata: { name: 'kubevirt-hyperconverged', namespace: ns, annotations },
    spec: {},
  });
}

describe('render CLI: bad input', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['a missing --hco-file', () => ['render'], /--hco-file is required/],
    ['an unreadable file', () => ['render', '--hco-file', join(dir, 'nope.yaml')], /nope\.yaml: cannot read the HyperConverged file \(ENOENT\)/],
    ['a file that is not YAML', () => ['render', '--hco-file', file('bad.yaml', 'a: [b\n')], /bad\.yaml: not valid YAML/],
    [
      'a file that is not a HyperConverged',
      () => ['render', '--hco-file', file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n')],
      /cm\.yaml: not a HyperConverged \(kind is "ConfigMap"\)/,
    ],
    [
      'a v1beta1 HyperConverged',
      () => ['render', '--hco-file', file('b1.yaml', 'apiVersion: hco.kubevirt.io/v1beta1\nkind: HyperConverged\nmetadata: {name: x, namespace: y}\n')],
      /must be apiVersion hco\.kubevirt\.io\/v1/,
    ],
    ['an unknown output format', () => ['render', '--hco-file', file('ok.yaml', hcoYaml('ns')), '--output', 'xml'], /--output must be yaml, json or status/],
    ['an unknown flag', () => ['render', '--hco-fil', 'x'], /Unknown option '--hco-fil'/],
    [
      'a nodes file with other kinds',
      () => ['render', '--hco-file', file('ok2.yaml', hcoYaml('ns')), '--nodes-file', file('n.yaml', 'kind: Pod\n')],
      /n\.yaml: expected Node objects/,
    ],
    [
      'a malformed --openshift-version',
      () => ['render', '--hco-file', file('ok4.yaml', hcoYaml('ns')), '--openshift-version', '4.21.3'],
      /--openshift-version must be major\.minor/,
    ],
    ['a broken catalog', () => ['render', '--hco-file', file('ok3.yaml', hcoYaml('ns')), '--assets-dir', dir], /metadata\.yaml/],
  ];
  for (const [what, args, message] of cases) {
    it(`answers ${what} with one line on stderr and exit code 2`, async () => {
      const r = await cli(args());
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line, no stack trace: ${r.stderr}`);
      assert.equal(r.stdout, '');
    });
  }
});

describe('render CLI: the OpenShift version', () => {
  it('renders the 4.21 swap assets only when told the release (unknown is the conservative side)', async () => {
    const hco = yaml.dump({
      apiVersion: 'hco.kubevirt.io/v1',
      kind: 'HyperConverged',
      metadata: { name: 'kubevirt-hyperconverged', namespace: 'openshift-cnv', annotations: { 'platform.kubevirt.io/autopilot': 'swap-enable' } },
      spec: { virtualization: { higherWorkloadDensity: { memoryOvercommitPercentage: 150 } } },
    });
    const f = file('swap.yaml', hco);
    const known = await cli(['render', '--hco-file', f, '--openshift-version', '4.21']);
    assert.equal(known.code, 0, known.stderr);
    assert.match(known.stdout, /# asset: swap-enable-worker\n[\s\S]*name: 90-worker-virt-platform-swap/);
    const unknown = await cli(['render', '--hco-file', f]);
    assert.equal(unknown.code, 0, unknown.stderr);
    assert.doesNotMatch(unknown.stdout, /swap/);
  });
});

describe('render CLI: the reboot preview', () => {
  const node = (name: string, role: 'master' | 'worker'): Record<string, unknown> => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { [`node-role.kubernetes.io/${role}`]: '' } },
    spec: role === 'master' ? { taints: [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }] } : {},
  });

  it('says per pool which node-disrupting changes are pending and how many nodes one rollout reboots', async () => {
    const hco = file('preview.yaml', hcoYaml('openshift-cnv', { 'platform.kubevirt.io/autopilot': 'true' }));
    const nodes = file(
      'nodes.yaml',
      [node('m-0', 'master'), node('m-1', 'master'), node('m-2', 'master'), ...[0, 1, 2, 3, 4].map((i) => node(`w-${i}`, 'worker'))]
        .map((n) => yaml.dump(n))
        .join('---\n'),
    );
    const r = await cli(['render', '--hco-file', hco, '--nodes-file', nodes, '--output', 'status']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\nNODE DISRUPTION/);
    const line = r.stdout.split('\n').find((l) => l.startsWith('pool worker:'));
    assert.match(
      line ?? '',
      /^pool worker: \d+ pending node-disrupting changes? \(.*kubelet-perf-worker.*psi-enable-worker.*\): one rollout reboots 5 nodes; pool ready$/,
    );
    assert.ok(!r.stdout.includes('pool master:'), 'masters are not schedulable: nothing lands on them');
    const unknown = await cli(['render', '--hco-file', hco, '--output', 'status']);
    assert.match(unknown.stdout, /pool worker: .*reboots every node of the pool \(node count unknown: give --nodes-file\)/);
    const yamlOut = await cli(['render', '--hco-file', hco]);
    assert.doesNotMatch(yamlOut.stdout, /NODE DISRUPTION/, 'the YAML output stays kubectl-applyable');
  });
});

describe('render CLI: output', () => {
  let cluster: TestCluster;
  let ns: string;
  before(async () => {
    cluster = await testCluster();
    ns = await testNamespace(cluster, 'render');
  });

  it('shows a refused HCO patch with its reason in the status table (exit 0)', async () => {
    const hco = file(
      'refused.yaml',
      hcoYaml(ns, { 'platform.kubevirt.io/autopilot': 'true', 'platform.kubevirt.io/patch': '[{"op":"replace","path":"/metadata/name","value":"x"}]' }),
    );
    const r = await cli(['render', '--hco-file', hco, '--assets-dir', FIXTURE_ASSETS, '--output', 'status']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ASSET\s+KIND\/NAME\s+STATUS\s+DETAIL/);
    assert.match(r.stdout, /hco-golden\s+HyperConverged\/\S+\s+refused\s+.*the patch changes metadata\.name/);
    assert.match(r.stdout, /settings\s+ConfigMap\/\S+platform-settings\s+applied/);
    assert.match(r.stdout, /optin\s+ConfigMap\s+skipped\s+not eligible: annotation platform\.kubevirt\.io\/enable-optin/);
  });

  it('with --objects-file, shows what turning assets off would do: "would remove" what it created, "would release" what it adopted, with the reason', async () => {
    const ns = 'offline-ns';
    const FIXTURE = repoPath('e2e', 'fixtures', 'offswitch-assets');
    const obj = (name: string, ownership: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `offswitch-${name}`,
        namespace: ns,
        labels: { 'platform.kubevirt.io/managed-by': 'virt-platform-operator' },
        annotations: {
          'platform.kubevirt.io/ownership': ownership,
          'platform.kubevirt.io/asset': name,
          'platform.kubevirt.io/source': `${ns}/kubevirt-hyperconverged`,
        },
      },
    });
    const objects = file(
      'objects.yaml',
      yaml.dump({ apiVersion: 'v1', kind: 'List', items: [obj('made', 'created'), obj('found', 'adopted'), obj('pci', 'created')] }),
    );
    const hco = file('off.yaml', hcoYaml(ns, { 'platform.kubevirt.io/autopilot': 'true', 'platform.kubevirt.io/enable-found': 'false' }));
    const r = await cli(['render', '--hco-file', hco, '--assets-dir', FIXTURE, '--objects-file', objects, '--output', 'status']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /made\s+ConfigMap\/offline-ns\/offswitch-made\s+drifting\s+would remove ConfigMap offline-ns\/offswitch-made: annotation platform\.kubevirt\.io\/enable-made is not "true"/,
    );
    assert.match(
      r.stdout,
      /found\s+ConfigMap\/offline-ns\/offswitch-found\s+drifting\s+would release ConfigMap offline-ns\/offswitch-found: annotation platform\.kubevirt\.io\/enable-found/,
    );
    assert.match(
      r.stdout,
      /pci\s+ConfigMap\/offline-ns\/offswitch-pci\s+held\s+would remove ConfigMap offline-ns\/offswitch-pci once this has held for the hold-down \(10m left\): no node shows pciDevicesPresent/,
    );
    const without = await cli(['render', '--hco-file', hco, '--assets-dir', FIXTURE, '--output', 'status']);
    assert.doesNotMatch(without.stdout, /would (remove|release)/, 'without the objects there is nothing to turn off');
  });

  it("applies the HCO file's own patch to the golden config, and later assets see the result", async () => {
    const hco = file(
      'patched.yaml',
      hcoYaml(ns, {
        'platform.kubevirt.io/autopilot': 'true',
        'platform.kubevirt.io/patch': '[{"op":"replace","path":"/spec/virtualization/liveMigrationConfig/parallelMigrationsPerCluster","value":42}]',
      }),
    );
    const r = await cli(['render', '--hco-file', hco, '--assets-dir', FIXTURE_ASSETS, '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { asset: string; status: string; manifest?: KubeObject }[];
    const cm = rows.find((x) => x.asset === 'settings')?.manifest;
    assert.equal((cm?.data as Record<string, string>).migrations, '42');
  });

  it('writes multi-document YAML, each headed by its asset, that the API server accepts (kubectl apply --dry-run=server)', async () => {
    const hco = file('apply.yaml', hcoYaml(ns, { 'platform.kubevirt.io/autopilot': 'true', 'platform.kubevirt.io/enable-optin': 'true' }));
    await cluster.admin.create(`/apis/hco.kubevirt.io/v1/namespaces/${ns}/hyperconvergeds`, yaml.load(hcoYaml(ns)));
    const r = await cli(['render', '--hco-file', hco, '--assets-dir', FIXTURE_ASSETS, '--crds-dir', crdDir()]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      [...r.stdout.matchAll(/^# asset: (\S+)$/gm)].map((m) => m[1]),
      ['hco-golden', 'settings', 'node-tuning', 'optin'],
    );
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        cluster.binaries.kubectl,
        ['--kubeconfig', cluster.kubeconfigPath, 'apply', '--server-side', '--force-conflicts', '--dry-run=server', '--field-manager=render-test', '-f', '-'],
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }),
      );
      child.stdin!.end(r.stdout);
    });
    assert.equal(out.code, 0, out.stderr);
    assert.equal((out.stdout.match(/serverside-applied \(server dry run\)/g) ?? []).length, 4, out.stdout);
  });
});

describe('explain CLI', () => {
  it('shows, for the live cluster, what would be created or corrected and which fields drift, without writing', async () => {
    const cluster = await testCluster();
    const ns = await testNamespace(cluster, 'explain');
    await cluster.admin.create(
      `/apis/hco.kubevirt.io/v1/namespaces/${ns}/hyperconvergeds`,
      yaml.load(hcoYaml(ns, { 'platform.kubevirt.io/autopilot': 'true' })),
    );
    const r = await cli(['explain', '--kubeconfig', cluster.kubeconfigPath, '--namespace', ns, '--assets-dir', FIXTURE_ASSETS]);
    assert.equal(r.code, 0, r.stderr);
    // The table cuts long details: the ownership markers the first apply adds come first (by path).
    assert.match(r.stdout, /hco-golden\s+HyperConverged\/\S+\s+drifting\s+would correct /);
    const json = await cli(['explain', '--kubeconfig', cluster.kubeconfigPath, '--namespace', ns, '--assets-dir', FIXTURE_ASSETS, '--output', 'json']);
    const golden = (JSON.parse(json.stdout) as { asset: string; drift?: string[] }[]).find((x) => x.asset === 'hco-golden');
    assert.ok(
      golden?.drift?.some((d) => d.startsWith('/spec/virtualization')),
      `drifting fields: ${golden?.drift?.join(', ')}`,
    );
    assert.match(r.stdout, /settings\s+ConfigMap\/\S+\/platform-settings\s+drifting\s+would create it/);
    assert.match(r.stdout, /optin\s+ConfigMap\s+skipped/);
    assert.equal(await cluster.admin.getOrUndefined(`/api/v1/namespaces/${ns}/configmaps/platform-settings`), undefined, 'explain wrote nothing');
    const hco = await cluster.admin.get(`/apis/hco.kubevirt.io/v1/namespaces/${ns}/hyperconvergeds/kubevirt-hyperconverged`);
    assert.equal(hco.metadata?.labels?.['platform.kubevirt.io/managed-by'], undefined, 'explain wrote nothing');
  });

  it('with the real catalog: per feature, on / available / waiting and for what - logging turned on without its site data says which', async () => {
    const cluster = await testCluster();
    const ns = await testNamespace(cluster, 'explain-features');
    await cluster.admin.create(
      `/apis/hco.kubevirt.io/v1/namespaces/${ns}/hyperconvergeds`,
      yaml.load(hcoYaml(ns, { 'platform.kubevirt.io/autopilot': 'true', 'platform.kubevirt.io/enable-logging': 'true' })),
    );
    const r = await cli(['explain', '--kubeconfig', cluster.kubeconfigPath, '--namespace', ns, '--assets-dir', repoPath('assets')]);
    assert.equal(r.code, 0, r.stderr);
    const table = r.stdout.slice(r.stdout.search(/^FEATURE\s+MATURITY\s+STATE\s+WAITING FOR$/m));
    assert.match(table, /^FEATURE/, r.stdout);
    const row = (name: string): string => table.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
    assert.match(row('logging'), /^logging\s+Dev Preview\s+(on|waiting)\s+.*logging needs site data on the HyperConverged/, table);
    assert.match(r.stdout, /logging-lokistack\s+LokiStack\s+skipped\s+not applicable: logging needs site data/);
    assert.match(row('thp-tuning'), /^thp-tuning\s+Dev Preview\s+available\s+platform\.kubevirt\.io\/enable-thp-tuning: "true" on the HyperConverged/);
    assert.match(row('golden-config'), /^golden-config\s+GA\s+on/);
    process.stderr.write(`explain, features:\n${table}`);
  });
});
