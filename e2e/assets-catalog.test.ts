// The asset catalog as the plan intends it, checked offline (no API server): which assets a given
// cluster gets (worker-only clusters get no master MachineConfigs, no PCI devices means no PCI
// passthrough, ...) and what the templates make of the HyperConverged they read.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadCatalog, type Asset } from '../operator/catalog/catalog.js';
import { evaluateEligibility, parseActivation } from '../operator/catalog/eligibility.js';
import { DETECTORS, type Hardware } from '../operator/catalog/hardware.js';
import type { Topology } from '../operator/catalog/topology.js';
import { projectCrd, type CrdInfo } from '../operator/vocabulary/crd-info.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { clusterFacts, renderContext, type ClusterFacts } from '../operator/render/context.js';
import { Renderer } from '../operator/render/renderer.js';
import { crdDir, loadCrds } from '../localcluster/crds.js';
import { repoPath } from '../scripts/repo.js';

const ASSETS = repoPath('assets');
const catalog = loadCatalog(ASSETS);
const renderer = new Renderer(ASSETS);
const byName = (n: string): Asset => {
  const a = catalog.assets.find((x) => x.name === n);
  assert.ok(a, `asset ${n}`);
  return a;
};

const NO_HARDWARE = Object.fromEntries(DETECTORS.map((d) => [d, false])) as Hardware;
const ALL_HARDWARE = Object.fromEntries(DETECTORS.map((d) => [d, true])) as Hardware;
const WORKER_ONLY: Topology = { hasSchedulableMasters: false, hasDedicatedWorkers: true, singleNode: false, nodes: 6, masters: 3, workers: 3 };
const COMPACT: Topology = { hasSchedulableMasters: true, hasDedicatedWorkers: false, singleNode: false, nodes: 3, masters: 3, workers: 0 };
const SNO: Topology = { hasSchedulableMasters: true, hasDedicatedWorkers: false, singleNode: true, nodes: 1, masters: 1, workers: 0 };

// Every CRD the catalog may need, from the CRD folder in use (real or fixtures).
const CRDS = new Map<string, CrdInfo>(loadCrds(crdDir()).map((c) => [c.metadata!.name!, projectCrd(c)]));

function hcoWith(annotations: Record<string, string> = {}, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'hco.kubevirt.io/v1',
    kind: 'HyperConverged',
    metadata: { name: 'kubevirt-hyperconverged', namespace: 'openshift-cnv', annotations: { 'platform.kubevirt.io/autopilot': 'true', ...annotations } },
    spec,
  };
}

const OPT_INS = Object.fromEntries(
  catalog.assets.flatMap((a) => a.conditions.flatMap((c) => (c.type === 'annotation' ? [[c.key, c.value] as [string, string]] : []))),
);

function eligible(hco: KubeObject, hardware: Hardware, topology: Topology, crds: ReadonlyMap<string, CrdInfo> = CRDS): string[] {
  return catalog.assets
    .filter((a) => evaluateEligibility(a, parseActivation(hco), { hco, hardware, topology, hasCrd: (n) => crds.has(n) }).eligible)
    .map((a) => a.name);
}

function facts(over: Partial<Parameters<typeof clusterFacts>[0]> = {}): ClusterFacts {
  return clusterFacts({ hardware: ALL_HARDWARE, topology: WORKER_ONLY, openshift: { version: '4.21' }, crds: CRDS, objectExists: () => true, ...over });
}

function render(name: string, hco: KubeObject, f: ClusterFacts = facts()): KubeObject | undefined {
  const a = byName(name);
  return renderer.render(a, renderContext(hco, f, a), f);
}

const spec = (o: KubeObject | undefined): Record<string, unknown> => (o?.spec ?? {}) as Record<string, unknown>;
const kubelet = (o: KubeObject | undefined): Record<string, unknown> => (spec(o).kubeletConfig ?? {}) as Record<string, unknown>;

describe('asset catalog: shape', () => {
  it('covers every asset family of the plan with the kinds the plan names', () => {
    const kinds = new Map<string, Set<string>>();
    for (const a of catalog.assets) kinds.set(a.family, (kinds.get(a.family) ?? new Set()).add(a.kind));
    assert.deepEqual([...kinds.keys()].sort(), ['descheduler', 'hco', 'logging', 'machine-config', 'monitoring', 'observability', 'operators', 'remediation']);
    assert.deepEqual([...kinds.get('monitoring')!].sort(), ['PrometheusRule', 'Service', 'ServiceMonitor']);
    assert.deepEqual([...kinds.get('machine-config')!].sort(), ['KubeletConfig', 'MachineConfig']);
    assert.deepEqual([...kinds.get('remediation')!].sort(), [
      'FenceAgentsRemediationTemplate',
      'NodeHealthCheck',
      'NodeMaintenance',
      'StorageBasedRemediationConfig',
    ]);
    assert.deepEqual([...kinds.get('logging')!].sort(), ['ClusterLogForwarder', 'ClusterRoleBinding', 'LokiStack', 'ServiceAccount', 'UIPlugin']);
    assert.deepEqual([...kinds.get('observability')!], ['PersesDashboard']);
    assert.deepEqual([...kinds.get('operators')!].sort(), ['ForkliftController', 'MetalLB', 'UIPlugin'], 'AAQ goes through the HyperConverged');
    assert.deepEqual([...kinds.get('descheduler')!], ['KubeDescheduler']);
    for (const n of [
      'swap-enable-worker',
      'pci-passthrough-worker',
      'numa-hugepages-worker',
      'vfio-assign-worker',
      'usb-passthrough-worker',
      'kubelet-perf-worker',
      'kubelet-cpu-manager-worker',
    ])
      byName(n);
  });

  it('every asset has a description, and opt-in annotations follow platform.kubevirt.io/enable-<feature>', () => {
    for (const a of catalog.assets) {
      assert.ok(a.description.length > 20, `${a.name}: description`);
      for (const c of a.conditions) if (c.type === 'annotation') assert.match(c.key, /^platform\.kubevirt\.io\/enable-[a-z-]+$/);
    }
  });

  it('master-pool assets exist only beside a worker twin and require schedulable masters', () => {
    for (const a of catalog.assets.filter((x) => x.templateParams.role === 'master')) {
      assert.ok(
        a.conditions.some((c) => c.type === 'topology' && c.fact === 'hasSchedulableMasters' && c.value),
        `${a.name}: topology condition`,
      );
      const twin = byName(a.name.replace(/-master$/, '-worker'));
      assert.equal(twin.path, a.path);
      assert.equal(twin.templateParams.role, 'worker');
    }
  });

  it('every template carries a "Source:" citation', () => {
    for (const a of catalog.assets) assert.match(readFileSync(join(ASSETS, a.path), 'utf8'), /Source: https:\/\//, `${a.path}`);
  });
});

describe('asset catalog: which assets a cluster gets', () => {
  it('a worker-only cluster gets no master MachineConfigs or KubeletConfigs', () => {
    const names = eligible(hcoWith(OPT_INS, { featureGates: [{ name: 'CPUManager' }] }), ALL_HARDWARE, WORKER_ONLY);
    assert.deepEqual(
      names.filter((n) => n.endsWith('-master')),
      [],
    );
    assert.ok(names.includes('pci-passthrough-worker') && names.includes('kubelet-cpu-manager-worker'));
  });

  it('a compact cluster (schedulable masters) gets the master twins too', () => {
    const names = eligible(hcoWith(OPT_INS, { featureGates: [{ name: 'CPUManager' }] }), ALL_HARDWARE, COMPACT);
    for (const n of [
      'kubelet-perf-master',
      'kubelet-cpu-manager-master',
      'psi-enable-master',
      'pci-passthrough-master',
      'vfio-assign-master',
      'numa-hugepages-master',
      'usb-passthrough-master',
    ]) {
      assert.ok(names.includes(n), n);
    }
  });

  it('a cluster without the hardware gets no hardware assets, whatever the opt-ins', () => {
    const names = eligible(hcoWith(OPT_INS), NO_HARDWARE, COMPACT);
    for (const n of ['pci-passthrough', 'vfio-assign', 'numa-hugepages', 'usb-passthrough'])
      assert.deepEqual(
        names.filter((x) => x.startsWith(n)),
        [],
        n,
      );
    assert.ok(names.includes('psi-enable-worker') && names.includes('kubelet-perf-worker'));
  });

  it('PCI passthrough needs both the opt-in and PCI devices; VFIO yields to mediated devices', () => {
    assert.ok(!eligible(hcoWith(), ALL_HARDWARE, WORKER_ONLY).includes('pci-passthrough-worker'));
    assert.ok(!eligible(hcoWith(OPT_INS), { ...ALL_HARDWARE, pciDevicesPresent: false }, WORKER_ONLY).includes('pci-passthrough-worker'));
    assert.ok(eligible(hcoWith(OPT_INS), ALL_HARDWARE, WORKER_ONLY).includes('vfio-assign-worker'));
    const mdev = hcoWith(OPT_INS, { virtualization: { mediatedDevicesConfiguration: { mediatedDeviceTypes: ['nvidia-231'] } } });
    assert.ok(!eligible(mdev, ALL_HARDWARE, WORKER_ONLY).includes('vfio-assign-worker'));
  });

  it('opt-in assets stay off without their annotation; always assets are on by default', () => {
    const names = eligible(hcoWith(), ALL_HARDWARE, WORKER_ONLY);
    for (const a of catalog.assets) {
      if (a.install === 'opt-in') assert.ok(!names.includes(a.name), `${a.name} is opt-in`);
    }
    for (const n of [
      'hco-golden-config',
      'kubelet-perf-worker',
      'swap-enable-worker',
      'psi-enable-worker',
      'observability-ui-plugin',
      'descheduler-kubevirt',
    ]) {
      assert.ok(names.includes(n), n);
    }
  });

  it('an asset whose operator is not installed waits for its CRD (gate_crd)', () => {
    const without = new Map(CRDS);
    without.delete('forkliftcontrollers.forklift.konveyor.io');
    const hco = hcoWith(OPT_INS);
    const e = evaluateEligibility(byName('mtv-forklift-controller'), parseActivation(hco), {
      hco,
      hardware: ALL_HARDWARE,
      topology: WORKER_ONLY,
      hasCrd: (n) => without.has(n),
    });
    assert.deepEqual(e, {
      eligible: false,
      reason: 'CRD forkliftcontrollers.forklift.konveyor.io is not installed',
      missingCrd: 'forkliftcontrollers.forklift.konveyor.io',
    });
  });
});

describe('asset templates: what they make of the HyperConverged', () => {
  it('golden config: LiveMigrate eviction, None on a single-node cluster', () => {
    assert.equal((spec(render('hco-golden-config', hcoWith())).virtualization as { evictionStrategy: string }).evictionStrategy, 'LiveMigrate');
    const sno = render('hco-golden-config', hcoWith(), facts({ topology: SNO }));
    assert.equal((spec(sno).virtualization as { evictionStrategy: string }).evictionStrategy, 'None');
    assert.equal(sno?.metadata?.namespace, 'openshift-cnv');
  });

  it('kubelet: maxPods only from a valid platform.kubevirt.io/kubelet-max-pods annotation', () => {
    assert.ok(!('maxPods' in kubelet(render('kubelet-perf-worker', hcoWith()))));
    assert.equal(kubelet(render('kubelet-perf-worker', hcoWith({ 'platform.kubevirt.io/kubelet-max-pods': '500' }))).maxPods, 500);
    for (const bad of ['5', '2501', 'lots', '500\nfailSwapOn: false', '-1', '0500']) {
      const k = kubelet(render('kubelet-perf-worker', hcoWith({ 'platform.kubevirt.io/kubelet-max-pods': bad })));
      assert.deepEqual(Object.keys(k), ['nodeStatusMaxImages'], `ignored: ${JSON.stringify(bad)}`);
    }
    assert.equal(kubelet(render('kubelet-perf-worker', hcoWith())).nodeStatusMaxImages, -1);
  });

  it('KubeletConfigs never carry swap fields, on any release (defect 1: the MCO refuses them from 4.21, and with them every setting)', () => {
    const over = { virtualization: { higherWorkloadDensity: { memoryOvercommitPercentage: 150 } } };
    const gate = { featureGates: [{ name: 'CPUManager', state: 'Enabled' }] };
    for (const version of ['4.17', '4.19', '4.21', undefined]) {
      for (const [name, spec] of [
        ['kubelet-perf-worker', over],
        ['kubelet-cpu-manager-worker', { ...over, ...gate }],
      ] as const) {
        const k = kubelet(render(name, hcoWith({ 'platform.kubevirt.io/kubelet-max-pods': '300' }, spec), facts({ openshift: { version } })));
        assert.equal(k.maxPods, 300, `${name} ${version}: its own settings are there`);
        for (const f of ['failSwapOn', 'memorySwap']) assert.ok(!(f in k), `${name} on ${version}: no ${f}`);
      }
    }
  });

  it('swap (defect 2): on 4.21+ a kubelet drop-in (LimitedSwap), a never-failing provisioning unit and host services out of swap; nothing before 4.21 or unknown', () => {
    const over = { virtualization: { higherWorkloadDensity: { memoryOvercommitPercentage: 150 } } };
    const flat = { virtualization: { higherWorkloadDensity: { memoryOvercommitPercentage: 100 } } };
    assert.equal(render('swap-enable-worker', hcoWith({}, flat)), undefined);
    assert.equal(render('swap-enable-worker', hcoWith()), undefined);
    for (const version of ['4.17', '4.19', undefined])
      assert.equal(render('swap-enable-worker', hcoWith({}, over), facts({ openshift: { version } })), undefined, `${version}`);
    // ... and says why, so the admin learns that VM pods get no swap on this release (HCO leaves swap to the autopilot).
    const a = byName('swap-enable-worker');
    const f = facts({ openshift: { version: '4.19' } });
    assert.match(renderer.renderOutcome(a, renderContext(hcoWith({}, over), f, a), f).reason ?? '', /needs OpenShift 4\.21 or later/);
    const mc = render('swap-enable-worker', hcoWith({}, over));
    const config = spec(mc).config as {
      storage: { files: { path: string; mode: number; contents: { source: string } }[] };
      systemd: { units: { name: string; contents?: string; dropins?: { contents: string }[] }[] };
    };
    const decode = (src: string): string => Buffer.from(src.replace(/^data:;base64,/, ''), 'base64').toString();
    const files = Object.fromEntries(config.storage.files.map((f) => [f.path, decode(f.contents.source)]));
    assert.match(files['/etc/openshift/kubelet.conf.d/90-virt-platform-swap.conf']!, /kind: KubeletConfiguration[\s\S]*swapBehavior: LimitedSwap/);
    assert.match(files['/usr/local/bin/virt-platform-swap']!, /^#!\/bin\/sh/);
    const unit = config.systemd.units.find((u) => u.name === 'virt-platform-swap.service')!.contents!;
    assert.match(unit, /WantedBy=kubelet-dependencies.target/);
    assert.doesNotMatch(unit, /RequiredBy|Requires=/, 'a failure must never hold up the kubelet');
    assert.match(unit, /Environment=OVERCOMMIT_PERCENT=150/);
    assert.match(config.systemd.units.find((u) => u.name === 'system.slice')!.dropins![0]!.contents, /MemorySwapMax=0/);
    assert.equal(
      render('swap-enable-worker', hcoWith({}, { virtualization: { higherWorkloadDensity: { memoryOvercommitPercentage: '150; rm -rf /' } } })),
      undefined,
    );
  });

  it('swap: the autopilot allowlist entry "swap-enable" (the name HCO stops wasp-agent for) selects the swap asset only', () => {
    const hco = hcoWith(
      { 'platform.kubevirt.io/autopilot': 'swap-enable' },
      { virtualization: { higherWorkloadDensity: { memoryOvercommitPercentage: 150 } } },
    );
    assert.deepEqual(eligible(hco, ALL_HARDWARE, WORKER_ONLY), ['swap-enable-worker']);
  });

  it('CPU manager: while the gate is on, the CPU manager KubeletConfig replaces kubelet-perf and repeats its settings', () => {
    const gate = { featureGates: [{ name: 'CPUManager', state: 'Enabled' }] };
    assert.equal(render('kubelet-perf-worker', hcoWith({}, gate)), undefined);
    assert.ok(render('kubelet-perf-worker', hcoWith({}, { featureGates: [{ name: 'CPUManager', state: 'Disabled' }] })));
    const cpu = kubelet(render('kubelet-cpu-manager-worker', hcoWith({ 'platform.kubevirt.io/kubelet-max-pods': '300' }, gate)));
    assert.equal(cpu.cpuManagerPolicy, 'static');
    assert.equal(cpu.nodeStatusMaxImages, -1);
    assert.equal(cpu.maxPods, 300);
  });

  it('VFIO: binds only permitted, KubeVirt-served, well-formed device IDs; nothing permitted, nothing rendered', () => {
    assert.equal(render('vfio-assign-worker', hcoWith()), undefined);
    const devices = [
      { pciDeviceSelector: '10DE:1EB8', resourceName: 'nvidia.com/T4' },
      { pciDeviceSelector: '10de:2236', resourceName: 'nvidia.com/A10' },
      { pciDeviceSelector: '8086:6F54', resourceName: 'intel.com/qat', externalResourceProvider: true },
      { pciDeviceSelector: '10DE:1DB6', resourceName: 'nvidia.com/V100', disabled: true },
      { pciDeviceSelector: '10DE:1EB8 evil=1', resourceName: 'x' },
    ];
    const mc = render('vfio-assign-worker', hcoWith({}, { virtualization: { permittedHostDevices: { pciHostDevices: devices } } }));
    const files = (spec(mc).config as { storage: { files: { path: string; contents: { source: string } }[] } }).storage.files;
    assert.deepEqual(
      files.map((f) => [f.path, decodeURIComponent(f.contents.source.slice('data:,'.length))]),
      [
        ['/etc/modprobe.d/virt-platform-vfio.conf', 'options vfio-pci ids=10DE:1EB8,10de:2236\n'],
        ['/etc/modules-load.d/virt-platform-vfio-pci.conf', 'vfio-pci\n'],
      ],
    );
  });

  it('VFIO (defect 6): no device qualifies (all disabled, external or malformed), nothing rendered - never an empty ids=', () => {
    const devices = [
      { pciDeviceSelector: '8086:6F54', resourceName: 'intel.com/qat', externalResourceProvider: true },
      { pciDeviceSelector: '10DE:1DB6', resourceName: 'nvidia.com/V100', disabled: true },
      { pciDeviceSelector: 'nonsense', resourceName: 'x' },
    ];
    assert.equal(render('vfio-assign-worker', hcoWith({}, { virtualization: { permittedHostDevices: { pciHostDevices: devices } } })), undefined);
    assert.equal(render('vfio-assign-worker', hcoWith({}, { virtualization: { permittedHostDevices: { pciHostDevices: [] } } })), undefined);
  });

  it('PSI: only once the Kube Descheduler Operator is installed (its CRD and namespace)', () => {
    assert.deepEqual(spec(render('psi-enable-worker', hcoWith())).kernelArguments, ['psi=1']);
    const noCrd = new Map(CRDS);
    noCrd.delete('kubedeschedulers.operator.openshift.io');
    assert.equal(render('psi-enable-worker', hcoWith(), facts({ crds: noCrd })), undefined);
    assert.equal(render('psi-enable-master', hcoWith(), facts({ objectExists: (kind) => kind !== 'Namespace' })), undefined);
  });

  it('USB and NUMA: rendered only once the admin says what to pass through / how many huge pages', () => {
    assert.equal(render('usb-passthrough-worker', hcoWith()), undefined);
    const usb = render(
      'usb-passthrough-worker',
      hcoWith({}, { virtualization: { permittedHostDevices: { usbHostDevices: [{ resourceName: 'kubevirt.io/storage' }] } } }),
    );
    assert.deepEqual(spec(usb).kernelArguments, ['usbcore.autosuspend=-1']);
    assert.equal(render('numa-hugepages-worker', hcoWith()), undefined);
    assert.equal(render('numa-hugepages-worker', hcoWith({ 'platform.kubevirt.io/numa-hugepages-1gi': '4097' })), undefined);
    assert.deepEqual(spec(render('numa-hugepages-master', hcoWith({ 'platform.kubevirt.io/numa-hugepages-1gi': '64' }))).kernelArguments, [
      'hugepagesz=1G',
      'hugepages=64',
    ]);
  });

  it('node health check: opt-in; SNR alone, escalating to fence agents only once their template is complete; nothing while SNR is absent', () => {
    assert.equal(byName('node-health-check').install, 'opt-in', 'it reboots nodes by itself');
    assert.ok(!eligible(hcoWith(), ALL_HARDWARE, WORKER_ONLY).includes('node-health-check'));
    const on = { 'platform.kubevirt.io/enable-node-remediation': 'true' };
    const snr = (o: KubeObject | undefined): unknown => (spec(o).remediationTemplate as { name?: string } | undefined)?.name;
    assert.equal(snr(render('node-health-check', hcoWith(on))), 'self-node-remediation-automatic-strategy-template');
    const far = { ...on, 'platform.kubevirt.io/enable-fence-agents-remediation': 'true' };
    assert.equal(snr(render('node-health-check', hcoWith(far))), 'self-node-remediation-automatic-strategy-template', 'no node parameters: no escalation');
    assert.equal(render('fence-agents-remediation-template', hcoWith(far)), undefined);
    const complete = { ...far, 'platform.kubevirt.io/fence-agents-node-parameters': '{"--ip":{"worker-0":"192.168.111.20"}}' };
    const esc = spec(render('node-health-check', hcoWith(complete)));
    assert.equal(esc.remediationTemplate, undefined);
    assert.deepEqual(
      (esc.escalatingRemediations as { order: number; remediationTemplate: { kind: string } }[]).map((e) => [e.order, e.remediationTemplate.kind]),
      [
        [0, 'SelfNodeRemediationTemplate'],
        [1, 'FenceAgentsRemediationTemplate'],
      ],
    );
    assert.deepEqual(
      (spec(render('fence-agents-remediation-template', hcoWith(complete))).template as { spec: { nodeparameters: unknown } }).spec.nodeparameters,
      { '--ip': { 'worker-0': '192.168.111.20' } },
    );
    const noSnr = new Map(CRDS);
    noSnr.delete('selfnoderemediationtemplates.self-node-remediation.medik8s.io');
    assert.equal(render('node-health-check', hcoWith(on), facts({ crds: noSnr })), undefined);
    assert.equal(render('node-health-check', hcoWith(on), facts({ objectExists: () => false })), undefined, 'no openshift-workload-availability namespace');
  });

  it('node maintenance: only for a well-formed target node name', () => {
    assert.equal(render('node-maintenance', hcoWith()), undefined);
    for (const bad of ['Worker 1', 'worker..1', 'worker-.1'])
      assert.equal(render('node-maintenance', hcoWith({ 'platform.kubevirt.io/node-maintenance-target': bad })), undefined, bad);
    assert.equal(
      spec(render('node-maintenance', hcoWith({ 'platform.kubevirt.io/node-maintenance-target': 'worker-1.example.com' }))).nodeName,
      'worker-1.example.com',
    );
  });

  it("AAQ: platform.kubevirt.io/enable-aaq turns on the HyperConverged's own AAQ (no standalone AAQ asset)", () => {
    assert.ok(!catalog.assets.some((a) => a.kind === 'AAQ'));
    const deployment = (o: KubeObject | undefined): Record<string, unknown> => spec(o).deployment as Record<string, unknown>;
    assert.deepEqual(deployment(render('hco-golden-config', hcoWith({ 'platform.kubevirt.io/enable-aaq': 'true' }))).applicationAwareConfig, { enable: true });
    assert.equal(deployment(render('hco-golden-config', hcoWith())).applicationAwareConfig, undefined);
    assert.equal(deployment(render('hco-golden-config', hcoWith({ 'platform.kubevirt.io/enable-aaq': 'yes' }))).applicationAwareConfig, undefined);
  });

  it('descheduler: nothing when the installed CRD offers no VM-aware profile', () => {
    const crd = CRDS.get('kubedeschedulers.operator.openshift.io')!;
    const poor: CrdInfo = { ...crd, enums: { [crd.storageVersion]: { 'spec.profiles': ['AffinityAndTaints', 'TopologyAndDuplicates'] } } };
    assert.equal(render('descheduler-kubevirt', hcoWith(), facts({ crds: new Map([[crd.name, poor]]) })), undefined);
    assert.deepEqual(spec(render('descheduler-kubevirt', hcoWith())).profiles, ['KubeVirtRelieveAndMigrate']);
  });
});
