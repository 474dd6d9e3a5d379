// The consumer-verified payload: every object of every scenario of the matrix (cluster shapes x
// HyperConverged settings x OpenShift 4.17 / 4.19 / 4.21 with their descheduler CRDs), rendered by
// the operator's own chain, is judged by every consumer rule module in e2e/consumers/registry.ts.
// Any finding fails the test; the summary gives the counts.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadCatalog } from '../operator/catalog/catalog.js';
import { crdDir } from '../envtest/crds.js';
import { repoPath } from '../envtest/repo.js';
import { prime } from './consumers/go-validator.js';
import { renderScenario, scenarios, validateScenario, type RenderedScenario } from './consumers/matrix.js';
import { CONSUMER_RULES } from './consumers/registry.js';
import { describeObject, type Finding } from './consumers/types.js';

describe(`consumer validation over the scenario matrix (CRDs from ${crdDir()})`, () => {
  let rendered: RenderedScenario[];

  before(async () => {
    rendered = await Promise.all(scenarios().map((s) => renderScenario(s)));
    // One run of the Go validator for every MachineConfig and KubeletConfig of the matrix.
    await prime(rendered.flatMap((s) => s.objects.filter((o) => o.kind === 'MachineConfig' || o.kind === 'KubeletConfig').map((object) => ({ openshiftVersion: s.openshiftVersion, object }))));
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

  it('the matrix takes every machine-config asset, on every release where it applies', () => {
    const catalog = loadCatalog(repoPath('assets'));
    const seen = new Set(rendered.flatMap((s) => s.objects.map(describeObject)));
    for (const a of catalog.assets.filter((x) => x.family === 'machine-config')) {
      assert.ok([...seen].some((o) => o.startsWith(`${a.component} `)), `${a.name} never rendered`);
    }
    const names = (version: string): Set<string> => new Set(rendered.filter((s) => s.openshiftVersion === version).flatMap((s) => s.objects.map(describeObject)));
    assert.ok(names('4.21').has('MachineConfig 90-worker-virt-platform-swap'));
    assert.ok(!names('4.19').has('MachineConfig 90-worker-virt-platform-swap') && !names('4.17').has('MachineConfig 90-worker-virt-platform-swap'));
    for (const m of ['master', 'worker']) {
      for (const what of ['iommu', 'vfio-pci', 'hugepages', 'usb', 'psi']) assert.ok(names('4.21').has(`MachineConfig 90-${m}-virt-platform-${what}`), `${m} ${what}`);
      for (const kc of ['kubelet', 'kubelet-cpu-manager']) assert.ok(names('4.17').has(`KubeletConfig virt-platform-${m}-${kc}`), `${m} ${kc}`);
    }
  });
});
