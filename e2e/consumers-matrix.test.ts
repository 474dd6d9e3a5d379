// The consumer-verified payload: every object of every scenario of the matrix (cluster shapes x
// HyperConverged settings x OpenShift 4.17 / 4.19 / 4.21 with their descheduler CRDs), rendered by
// the operator's own chain, is judged by every consumer rule module in e2e/consumers/registry.ts.
// Any finding fails the test; the summary gives the counts.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadCatalog } from '../operator/catalog/catalog.js';
import { crdDir } from '../localcluster/crds.js';
import { repoPath } from '../scripts/repo.js';
import { prime } from './consumers/go-validator.js';
import { renderScenario, scenarios, validateScenario, type RenderedScenario } from './consumers/matrix.js';
import { CONSUMER_RULES } from './consumers/registry.js';
import { describeObject, type Finding } from './consumers/types.js';

describe(`consumer validation over the scenario matrix (CRDs from ${crdDir()})`, () => {
  let rendered: RenderedScenario[];
  let rendered_: RenderedScenario[] = [];

  before(async () => {
    rendered = await Promise.all(scenarios().map((s) => renderScenario(s)));
    rendered_ = rendered;
    // One run of the Go validator for every MachineConfig and KubeletConfig of the matrix.
    await prime(
      rendered.flatMap((s) =>
        s.objects.filter((o) => o.kind === 'MachineConfig' || o.kind === 'KubeletConfig').map((object) => ({ openshiftVersion: s.openshiftVersion, object })),
      ),
    );
  });

  it('every rendered object passes every consumer that judges its kind', async () => {
    const findings: (Finding & { scenario: string })[] = [];
    let validated = 0;
    const distinct = new Set<string>();
    for (const s of rendered) {
      const r = await validateScenario(s, CONSUMER_RULES);
      validated += r.validated;
      for (const o of s.objects) if (CONSUMER_RULES.some((x) => x.kinds.includes(o.kind ?? ''))) distinct.add(`${s.openshiftVersion} ${JSON.stringify(o)}`);
      findings.push(...r.findings.map((f) => ({ ...f, scenario: s.name })));
    }
    const kinds = [...new Set(CONSUMER_RULES.flatMap((r) => r.kinds))].sort();
    process.stderr.write(
      `\nconsumer matrix: ${rendered.length} scenarios, ${rendered.reduce((n, s) => n + s.objects.length, 0)} objects rendered, ` +
        `${validated} validated (${distinct.size} distinct per OpenShift version) by ${CONSUMER_RULES.length} rule modules over ${kinds.join(', ')}; ${findings.length} findings\n`,
    );
    const report = findings.map((f) => `  [${f.scenario}] ${f.object}: ${f.consumer}/${f.rule}: ${f.message}\n      (${f.source})`).join('\n');
    assert.equal(findings.length, 0, `consumers reject or ignore part of the payload:\n${report}`);
    assert.ok(validated > 0);
  });

  it('the issue-16 catalog renders everywhere it applies, the LokiStack sized by topology, the Go dialect selecting the same objects', () => {
    const catalog = loadCatalog(repoPath('assets'));
    const feature = (n: string) => catalog.features.find((f) => f.name === n)!.assets;
    const objs = (name: string) => rendered_.find((s) => s.name === name)!.objects.map(describeObject);
    for (const n of ['ksm-zero-pages', 'thp-tuning', 'swap-hygiene', 'vm-drain', 'logging', 'audit-logging', 'troubleshooting-panel', 'console-observability'])
      assert.ok(feature(n).length > 0, n);
    const everything = objs('4.21/standard/everything');
    for (const o of [
      'LokiStack openshift-logging/logging-loki',
      'ClusterLogForwarder openshift-logging/instance',
      'UIPlugin logging',
      'UIPlugin troubleshooting-panel',
      'ServiceAccount openshift-logging/collector',
      'ClusterRoleBinding logging-collector-audit',
      'PersesDashboard openshift-cnv/virt-platform-operator-health',
      'PersesDashboard openshift-cnv/virt-platform-descheduler-rebalancing',
      'StorageBasedRemediationConfig openshift-workload-availability/virt-platform-detection',
      'MachineConfig 90-worker-virt-platform-swap-hygiene',
    ])
      assert.ok(everything.includes(o), o);
    // Without site data: no store, no forwarder, no plugin (the bindings and account wait harmlessly).
    const bare = objs('4.21/standard/catalog-no-site-data');
    for (const o of [
      'LokiStack openshift-logging/logging-loki',
      'ClusterLogForwarder openshift-logging/instance',
      'UIPlugin logging',
      'StorageBasedRemediationConfig openshift-workload-availability/virt-platform-detection',
      'MachineConfig 90-worker-virt-platform-swap-hygiene',
    ])
      assert.ok(!bare.includes(o), o);
    assert.ok(
      !objs('4.21/standard/catalog-ksm-by-hco-azure-logging').includes('MachineConfig 90-worker-virt-platform-ksm'),
      'KSM left to the HCO when it configures it',
    );
    assert.ok(!objs('4.17/standard/everything').includes('UIPlugin troubleshooting-panel'), 'no troubleshooting panel before 4.19');
    for (const [shape, size] of [
      ['standard', '1x.small'],
      ['compact', '1x.extra-small'],
      ['single-node', '1x.pico'],
    ]) {
      const stack = rendered_.find((s) => s.name === `4.21/${shape}/everything`)!.objects.find((o) => o.kind === 'LokiStack')!;
      assert.equal((stack.spec as { size: string }).size, size, shape);
    }
    // The Go dialect selects the same features; its YAML disabled-resources excludes what it names.
    const go = objs('4.21/compact/go-autopilot-dialect');
    for (const o of [
      'MachineConfig 90-worker-virt-platform-ksm',
      'MachineConfig 90-worker-virt-platform-thp',
      'MachineConfig 90-worker-virt-platform-vm-drain',
      'MachineConfig 90-worker-virt-platform-swap',
      'UIPlugin troubleshooting-panel',
      'LokiStack openshift-logging/logging-loki',
      'NodeHealthCheck virt-platform-workers',
      'PersesDashboard openshift-cnv/virt-platform-operator-health',
    ])
      assert.ok(go.includes(o), o);
    for (const o of ['UIPlugin logging', 'MachineConfig 90-master-virt-platform-ksm']) assert.ok(!go.includes(o), o);
  });

  it('every asset of the catalog renders in some scenario, and every object is judged by a consumer (a ServiceAccount through the forwarder that runs as it; the monitoring assets elsewhere)', () => {
    const catalog = loadCatalog(repoPath('assets'));
    const renderedAssets = new Set(rendered.flatMap((s) => s.assets));
    const never = catalog.assets.filter((a) => !renderedAssets.has(a.name)).map((a) => a.name);
    assert.deepEqual(never, [], `assets the matrix never renders: ${never.join(', ')}`);
    // The collector's account is judged by the Cluster Logging Operator rule of the forwarder that
    // runs as it (which nothing consumes before the forwarder exists, e.g. without site data).
    const runAs = new Set(
      rendered.flatMap((s) =>
        s.objects
          .filter((c) => c.kind === 'ClusterLogForwarder')
          .map((c) => `ServiceAccount ${c.metadata?.namespace}/${(c.spec as { serviceAccount?: { name?: string } }).serviceAccount?.name}`),
      ),
    );
    // The operator's own monitoring (issue 15) is outside this registry: its PrometheusRule goes
    // through promtool (e2e/monitoring-rules.test.ts); its Service and ServiceMonitor have only the
    // strict dry-run (e2e/assets.test.ts) so far - listed in the summary, not hidden.
    const elsewhere: Record<string, string> = {
      'prometheus-rule': 'promtool',
      'service-monitor': 'strict dry-run only',
      'metrics-service': 'strict dry-run only',
    };
    const unjudged = new Set<string>();
    for (const s of rendered) {
      s.objects.forEach((o, i) => {
        if (!CONSUMER_RULES.some((r) => r.kinds.includes(o.kind ?? '')) && !runAs.has(describeObject(o)) && !elsewhere[s.assets[i]!])
          unjudged.add(`${s.assets[i]}: ${describeObject(o)}`);
      });
    }
    assert.deepEqual([...unjudged], [], 'objects no consumer judges');
    process.stderr.write(
      `consumer matrix: all ${catalog.assets.length} assets rendered in at least one scenario; outside the registry: ${Object.entries(elsewhere)
        .map(([a, by]) => `${a} (${by})`)
        .join(', ')}\n`,
    );
  });

  it('the matrix takes every machine-config asset, on every release where it applies', () => {
    const catalog = loadCatalog(repoPath('assets'));
    const seen = new Set(rendered.flatMap((s) => s.objects.map(describeObject)));
    for (const a of catalog.assets.filter((x) => x.family === 'machine-config')) {
      assert.ok(
        [...seen].some((o) => o.startsWith(`${a.kind} `)),
        `${a.name} never rendered`,
      );
    }
    const names = (version: string): Set<string> =>
      new Set(rendered.filter((s) => s.openshiftVersion === version).flatMap((s) => s.objects.map(describeObject)));
    assert.ok(names('4.21').has('MachineConfig 90-worker-virt-platform-swap'));
    assert.ok(!names('4.19').has('MachineConfig 90-worker-virt-platform-swap') && !names('4.17').has('MachineConfig 90-worker-virt-platform-swap'));
    for (const m of ['master', 'worker']) {
      for (const what of ['ksm', 'thp', 'vm-drain']) assert.ok(names('4.21').has(`MachineConfig 90-${m}-virt-platform-${what}`), `${m} ${what}`);
      for (const what of ['iommu', 'vfio-pci', 'hugepages', 'usb', 'psi'])
        assert.ok(names('4.21').has(`MachineConfig 90-${m}-virt-platform-${what}`), `${m} ${what}`);
      for (const kc of ['kubelet', 'kubelet-cpu-manager']) assert.ok(names('4.17').has(`KubeletConfig virt-platform-${m}-${kc}`), `${m} ${kc}`);
    }
  });
});
