// Every object of the remediation, descheduler, operators and hco families, rendered through the
// operator's offline chain in representative scenarios (shapes, OpenShift 4.17/4.19/4.21 with
// that release's KubeDescheduler CRD, opt-ins on and off), passes the consumers' rules; and the
// defects those rules found stay fixed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DETECTORS, type Hardware } from '../../operator/catalog/hardware.js';
import { clusterFacts } from '../../operator/render/context.js';
import type { CrdInfo } from '../../operator/vocabulary/crd-info.js';
import type { KubeObject } from '../../operator/vocabulary/object.js';
import { remediationOperatorsRules } from './rules/index.js';
import { crdsFor, judge as judgeObjects, renderCatalog, scenarioHco, SHAPES, VERSIONS, type RenderedCatalog as Rendered, type Shape } from './scenarios.js';
import type { Finding } from './types.js';

interface Scenario {
  shape: Shape;
  version: (typeof VERSIONS)[number];
  annotations?: Record<string, string>;
  spec?: Record<string, unknown>;
  crds?: Map<string, CrdInfo>;
}

/** The catalog through the offline chain for a shape and release, every hardware detector on. */
function renderScenario(sc: Scenario): Promise<Rendered> {
  const crds = sc.crds ?? crdsFor(sc.version);
  const facts = clusterFacts({
    hardware: Object.fromEntries(DETECTORS.map((d) => [d, true])) as Hardware,
    topology: SHAPES[sc.shape].topology,
    openshift: { version: sc.version, platform: 'BareMetal' },
    crds,
    objectExists: (kind, _ns, name) => (kind === 'CustomResourceDefinition' ? crds.has(name) : kind === 'Namespace'),
  });
  return renderCatalog(scenarioHco(sc.shape, sc.annotations, sc.spec), facts);
}

/** Every finding of this half's consumer rules on a rendered scenario. */
async function judge(r: Rendered, version: string): Promise<Finding[]> {
  return (await judgeObjects(r.objects, r.hco, version, remediationOperatorsRules)).findings;
}

const NODE_PARAMETERS = JSON.stringify({ '--ip': { 'worker-0': '192.168.111.20', 'worker-1.example.com': '192.168.111.21' } });
const OPT_INS: Record<string, string> = {
  'platform.kubevirt.io/enable-node-remediation': 'true',
  'platform.kubevirt.io/enable-fence-agents-remediation': 'true',
  'platform.kubevirt.io/fence-agents-node-parameters': NODE_PARAMETERS,
  'platform.kubevirt.io/enable-node-maintenance': 'true',
  'platform.kubevirt.io/node-maintenance-target': 'worker-0',
  'platform.kubevirt.io/enable-mtv': 'true',
  'platform.kubevirt.io/enable-metallb': 'true',
  'platform.kubevirt.io/enable-aaq': 'true',
};
const { 'platform.kubevirt.io/fence-agents-node-parameters': _np, ...WITHOUT_NODE_PARAMETERS } = OPT_INS;
const OVERCOMMIT = {
  virtualization: {
    higherWorkloadDensity: { memoryOvercommitPercentage: 150 },
    liveMigrationConfig: { parallelMigrationsPerCluster: 4, parallelOutboundMigrationsPerNode: 2 },
  },
};
const MY_KINDS = [
  'HyperConverged',
  'NodeHealthCheck',
  'FenceAgentsRemediationTemplate',
  'NodeMaintenance',
  'KubeDescheduler',
  'ForkliftController',
  'MetalLB',
  'UIPlugin',
  'AAQ',
];

const variants: [string, Pick<Scenario, 'annotations' | 'spec'>][] = [
  ['defaults', {}],
  ['every opt-in', { annotations: OPT_INS, spec: OVERCOMMIT }],
  ['fence agents without node parameters', { annotations: WITHOUT_NODE_PARAMETERS }],
  [
    'autopilot listing families, no overcommit',
    { annotations: { ...OPT_INS, 'platform.kubevirt.io/autopilot': 'hco,remediation,operators,descheduler,machine-config' } },
  ],
];

const byKind = (r: Rendered, kind: string): KubeObject | undefined => r.objects.find((o) => o.kind === kind);
const spec = (o: KubeObject | undefined): Record<string, unknown> => (o?.spec ?? {}) as Record<string, unknown>;

describe('remediation, descheduler, operators, hco: every rendered object passes its consumers', () => {
  const counts = new Map<string, number>();
  for (const version of VERSIONS) {
    for (const shape of ['standard', 'compact', 'single-node'] as Shape[]) {
      for (const [name, v] of variants) {
        it(`${version} ${shape}, ${name}: zero findings`, async () => {
          const r = await renderScenario({ shape, version, ...v });
          const findings = await judge(r, version);
          assert.deepEqual(findings, [], findings.map((f) => `${f.consumer}/${f.rule} ${f.object}: ${f.message}`).join('\n'));
          for (const o of r.objects) if (MY_KINDS.includes(o.kind!)) counts.set(o.kind!, (counts.get(o.kind!) ?? 0) + 1);
        });
      }
    }
  }

  it('the scenarios covered every kind of these families (AAQ now only through the HyperConverged)', () => {
    assert.deepEqual([...counts.keys()].sort(), MY_KINDS.filter((k) => k !== 'AAQ').sort());
    process.stderr.write(`\nobjects judged per kind: ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
  });
});

describe('defects the consumer rules found stay fixed', () => {
  it('defect 3: fence agents never switch remediation off - FAR only with node parameters, NHC escalates only to it', async () => {
    for (const version of VERSIONS) {
      const without = await renderScenario({ shape: 'standard', version, annotations: WITHOUT_NODE_PARAMETERS });
      assert.equal(byKind(without, 'FenceAgentsRemediationTemplate'), undefined);
      assert.match(without.skipped.get('fence-agents-remediation-template') ?? '', /fence-agents-node-parameters/, 'explain says what is missing');
      assert.equal((spec(byKind(without, 'NodeHealthCheck')).remediationTemplate as { kind?: string } | undefined)?.kind, 'SelfNodeRemediationTemplate');
      assert.equal(spec(byKind(without, 'NodeHealthCheck')).escalatingRemediations, undefined);

      const complete = await renderScenario({ shape: 'standard', version, annotations: OPT_INS });
      const far = spec(byKind(complete, 'FenceAgentsRemediationTemplate')).template as { spec: Record<string, unknown> };
      assert.deepEqual(far.spec.nodeparameters, JSON.parse(NODE_PARAMETERS));
      const kinds = (spec(byKind(complete, 'NodeHealthCheck')).escalatingRemediations as { remediationTemplate: { kind: string } }[]).map(
        (e) => e.remediationTemplate.kind,
      );
      assert.deepEqual(kinds, ['SelfNodeRemediationTemplate', 'FenceAgentsRemediationTemplate']);
    }
    for (const bad of [
      '{"--action": {"worker-0": "on"}}',
      '{"ip": {"worker-0": "1.2.3.4"}}',
      '{"--ip": {"Worker 0": "1.2.3.4"}}',
      '{"--ip": {}}',
      'not json',
    ]) {
      const r = await renderScenario({
        shape: 'standard',
        version: '4.21',
        annotations: { ...OPT_INS, 'platform.kubevirt.io/fence-agents-node-parameters': bad },
      });
      assert.equal(byKind(r, 'FenceAgentsRemediationTemplate'), undefined, bad);
      assert.equal(spec(byKind(r, 'NodeHealthCheck')).escalatingRemediations, undefined, bad);
    }
  });

  it('safer default: no NodeHealthCheck without platform.kubevirt.io/enable-node-remediation', async () => {
    const r = await renderScenario({ shape: 'standard', version: '4.21' });
    assert.equal(byKind(r, 'NodeHealthCheck'), undefined);
    assert.match(r.skipped.get('node-health-check') ?? '', /enable-node-remediation/);
  });

  it("defect 4: the descheduler keeps each release's own utilization signal (CPU+memory on 4.21)", async () => {
    for (const version of VERSIONS) {
      const custom = spec(byKind(await renderScenario({ shape: 'standard', version, spec: OVERCOMMIT }), 'KubeDescheduler')).profileCustomizations as Record<
        string,
        unknown
      >;
      assert.equal(custom.devActualUtilizationProfile, undefined, version);
      assert.equal(custom.devEnableSoftTainter, undefined, version);
    }
  });

  it('defect 5: AAQ through the HyperConverged, no standalone AAQ', async () => {
    const r = await renderScenario({ shape: 'standard', version: '4.21', annotations: { 'platform.kubevirt.io/enable-aaq': 'true' } });
    assert.equal(byKind(r, 'AAQ'), undefined);
    assert.deepEqual((spec(byKind(r, 'HyperConverged')).deployment as Record<string, unknown>).applicationAwareConfig, { enable: true });
    const off = await renderScenario({ shape: 'standard', version: '4.21' });
    assert.equal((spec(byKind(off, 'HyperConverged')).deployment as Record<string, unknown>).applicationAwareConfig, undefined);
  });

  it('node maintenance: a target that cannot be a Node name renders nothing', async () => {
    for (const bad of ['worker..0', 'worker-.0', 'Worker-0']) {
      const r = await renderScenario({ shape: 'standard', version: '4.21', annotations: { ...OPT_INS, 'platform.kubevirt.io/node-maintenance-target': bad } });
      assert.equal(byKind(r, 'NodeMaintenance'), undefined, bad);
    }
  });
});
