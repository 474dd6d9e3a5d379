// The scenario matrix: cluster shapes x HyperConverged settings (chosen so every branch of every
// template is taken) x consumer versions (OpenShift 4.17 / 4.19 / 4.21 with the Kube Descheduler
// CRD each ships). Each scenario is rendered by the operator's own chain (offline mode, as the
// render CLI and /debug/render run it) and every rendered object is handed to every consumer
// rule whose kinds include it.
import { DETECTORS, type Hardware } from '../../operator/catalog/hardware.js';
import { clusterFacts, type ClusterFacts } from '../../operator/render/context.js';
import type { KubeObject } from '../../operator/vocabulary/object.js';
import { crdsFor, judge, renderCatalog, scenarioHco, SHAPES, VERSIONS } from './scenarios.js';
import type { ConsumerRules, Finding } from './types.js';

export const OPENSHIFT_VERSIONS = VERSIONS;

const ALL_HARDWARE = Object.fromEntries(DETECTORS.map((d) => [d, true])) as Hardware;
const NO_HARDWARE = Object.fromEntries(DETECTORS.map((d) => [d, false])) as Hardware;

const OPT_INS = {
  'platform.kubevirt.io/enable-pci-passthrough': 'true',
  'platform.kubevirt.io/enable-fence-agents-remediation': 'true',
  'platform.kubevirt.io/enable-node-maintenance': 'true',
  'platform.kubevirt.io/enable-node-remediation': 'true',
  'platform.kubevirt.io/enable-mtv': 'true',
  'platform.kubevirt.io/enable-metallb': 'true',
  'platform.kubevirt.io/enable-aaq': 'true',
};
const VALUES = {
  'platform.kubevirt.io/kubelet-max-pods': '500',
  'platform.kubevirt.io/numa-hugepages-1gi': '16',
  'platform.kubevirt.io/node-maintenance-target': 'worker-0',
  'platform.kubevirt.io/fence-agents-node-parameters':
    '{"--ip":{"worker-0":"192.168.111.20","worker-1":"192.168.111.21"},"--ipport":{"worker-0":"623","worker-1":"623"}}',
};
const PCI_DEVICES = [
  { pciDeviceSelector: '10DE:1EB8', resourceName: 'nvidia.com/TU104GL_Tesla_T4' },
  { pciDeviceSelector: '10de:2236', resourceName: 'nvidia.com/GA102GL_A10' },
  { pciDeviceSelector: '8086:6F54', resourceName: 'intel.com/qat', externalResourceProvider: true },
  { pciDeviceSelector: '10DE:1DB6', resourceName: 'nvidia.com/GV100GL_Tesla_V100', disabled: true },
  { pciDeviceSelector: '10DE:1EB8 evil=1', resourceName: 'example.com/bad' },
];
/** The opt-ins and site data of the issue-16 features (memory density, VM drain, logging, console observability, SBR). */
const CATALOG_OPT_INS = {
  'platform.kubevirt.io/enable-ksm-zero-pages': 'true',
  'platform.kubevirt.io/enable-thp-tuning': 'true',
  'platform.kubevirt.io/enable-swap-hygiene': 'true',
  'platform.kubevirt.io/enable-vm-drain': 'true',
  'platform.kubevirt.io/enable-logging': 'true',
  'platform.kubevirt.io/enable-audit-logging': 'true',
  'platform.kubevirt.io/enable-troubleshooting-panel': 'true',
  'platform.kubevirt.io/enable-incident-detection': 'true',
};
const SITE_DATA = {
  'platform.kubevirt.io/logging-storage-secret': 'logging-loki-s3',
  'platform.kubevirt.io/logging-storage-class': 'lvms-vg1',
  'platform.kubevirt.io/sbr-storage-class': 'ocs-storagecluster-cephfs',
};
/** The same features as the Go autopilot names them (aliases), its disabled-resources dialect included. */
const GO_DIALECT = {
  'platform.kubevirt.io/autopilot':
    'swap-enable,ksm-zero-only,thp-tuning,vm-drain-shutdown-inhibitor,logging,audit-logging,troubleshooting-panel-ui-plugin,monitoring-ui-plugin,descheduler-loadaware,autopilot-dashboard,nhc-far,sbr-detection-config',
  'platform.kubevirt.io/enable-ksm-zero-only': 'true',
  'platform.kubevirt.io/enable-thp-tuning': 'true',
  'platform.kubevirt.io/enable-vm-drain-shutdown-inhibitor': 'true',
  'platform.kubevirt.io/enable-korrel8r': 'true',
  'platform.kubevirt.io/enable-logging': 'true',
  'platform.kubevirt.io/enable-node-remediation': 'true',
  'platform.kubevirt.io/disabled-resources': '- kind: UIPlugin\n  name: logging\n- kind: MachineConfig\n  name: 90-master-virt-platform-*\n',
};
const USB_DEVICES = [{ resourceName: 'kubevirt.io/storage', selectors: [{ vendor: '46f4', product: '0001' }] }];
const CPU_MANAGER = [{ name: 'CPUManager', state: 'Enabled' }];
const overcommit = (p: number): Record<string, unknown> => ({ higherWorkloadDensity: { memoryOvercommitPercentage: p } });

/** HyperConverged settings; together they take every branch of every template. */
export const HCO_SETTINGS: Record<
  string,
  { annotations?: Record<string, string>; spec?: Record<string, unknown>; hardware?: Hardware; descheduler?: boolean }
> = {
  minimal: {},
  everything: {
    annotations: { ...OPT_INS, ...VALUES, ...CATALOG_OPT_INS, ...SITE_DATA },
    spec: {
      featureGates: CPU_MANAGER,
      virtualization: { ...overcommit(150), permittedHostDevices: { pciHostDevices: PCI_DEVICES, usbHostDevices: USB_DEVICES } },
    },
  },
  'overcommit-no-cpu-manager': { annotations: VALUES, spec: { virtualization: overcommit(200) } },
  'no-overcommit-cpu-manager': {
    annotations: { 'platform.kubevirt.io/kubelet-max-pods': '110' },
    spec: { featureGates: CPU_MANAGER, virtualization: overcommit(100) },
  },
  'pci-nothing-qualifies': {
    annotations: OPT_INS,
    spec: {
      virtualization: {
        permittedHostDevices: { pciHostDevices: PCI_DEVICES.filter((d) => d.disabled || d.externalResourceProvider || d.pciDeviceSelector.includes(' ')) },
      },
    },
  },
  'mediated-devices': {
    annotations: OPT_INS,
    spec: { virtualization: { permittedHostDevices: { pciHostDevices: PCI_DEVICES }, mediatedDevicesConfiguration: { mediatedDeviceTypes: ['nvidia-231'] } } },
  },
  'bad-annotation-values': {
    annotations: {
      'platform.kubevirt.io/kubelet-max-pods': 'lots',
      'platform.kubevirt.io/numa-hugepages-1gi': '4097',
      'platform.kubevirt.io/node-maintenance-target': 'Worker 1',
    },
    spec: { virtualization: overcommit(99) },
  },
  'allowlist-swap-enable': { annotations: { 'platform.kubevirt.io/autopilot': 'swap-enable,kubelet' }, spec: { virtualization: overcommit(150) } },
  'catalog-no-site-data': {
    annotations: { ...CATALOG_OPT_INS, 'platform.kubevirt.io/enable-node-remediation': 'true', 'platform.kubevirt.io/enable-audit-logging': 'false' },
  },
  'catalog-ksm-by-hco-azure-logging': {
    annotations: {
      ...CATALOG_OPT_INS,
      ...SITE_DATA,
      'platform.kubevirt.io/logging-storage-type': 'azure',
      'platform.kubevirt.io/enable-audit-logging': 'false',
    },
    spec: { virtualization: { ...overcommit(130), ksmConfiguration: { nodeLabelSelector: {} } } },
  },
  'go-autopilot-dialect': { annotations: { ...GO_DIALECT, ...SITE_DATA }, spec: { virtualization: overcommit(150) } },
  'no-hardware-no-descheduler': { annotations: OPT_INS, spec: { virtualization: overcommit(150) }, hardware: NO_HARDWARE, descheduler: false },
};

export interface Scenario {
  name: string;
  openshiftVersion: string;
  facts: ClusterFacts;
  hco: KubeObject;
}

export function scenarios(): Scenario[] {
  const out: Scenario[] = [];
  for (const openshiftVersion of OPENSHIFT_VERSIONS) {
    for (const [shapeName, shape] of Object.entries(SHAPES) as [keyof typeof SHAPES, (typeof SHAPES)[keyof typeof SHAPES]][]) {
      for (const [settingName, s] of Object.entries(HCO_SETTINGS)) {
        const installed = s.descheduler ?? true;
        const crds = crdsFor(openshiftVersion, { descheduler: installed });
        out.push({
          name: `${openshiftVersion}/${shapeName}/${settingName}`,
          openshiftVersion,
          facts: clusterFacts({
            hardware: s.hardware ?? ALL_HARDWARE,
            topology: shape.topology,
            openshift: {
              version: openshiftVersion,
              controlPlaneTopology: shape.controlPlaneTopology,
              infrastructureTopology: shape.controlPlaneTopology,
              platform: 'BareMetal',
            },
            crds,
            objectExists: (kind, _ns, name) =>
              kind === 'CustomResourceDefinition' ? crds.has(name) : kind === 'Namespace' ? installed || name !== 'openshift-kube-descheduler-operator' : false,
          }),
          hco: scenarioHco(shapeName, s.annotations, s.spec),
        });
      }
    }
  }
  return out;
}

export interface RenderedScenario extends Scenario {
  objects: KubeObject[];
  /** The asset each object of objects came from (same order). */
  assets: string[];
}

/** Renders a scenario through the operator's chain in offline mode. */
export async function renderScenario(s: Scenario, assetsDir?: string): Promise<RenderedScenario> {
  const r = await renderCatalog(s.hco, s.facts, assetsDir);
  if (r.failed.length) throw new Error(`${s.name}: ${r.failed.join('; ')}`);
  return { ...s, objects: r.objects, assets: r.objects.map((o) => r.assetOf.get(o) ?? '') };
}

/** Every object of a scenario through every rule module that judges its kind. */
export function validateScenario(s: RenderedScenario, rules: readonly ConsumerRules[]): Promise<{ findings: Finding[]; validated: number }> {
  return judge(s.objects, s.objects.find((o) => o.kind === 'HyperConverged') ?? s.hco, s.openshiftVersion, rules);
}
