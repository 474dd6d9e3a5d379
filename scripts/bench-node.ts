// The Node of the bench's burst: what a worker of a real OpenShift cluster carries — about 40
// labels (most from Node Feature Discovery), the capacity of a server and 50 container images.
import type { KubeObject } from '../operator/vocabulary/object.js';

const NFD = 'feature.node.kubernetes.io/';
const CPU_FLAGS = [
  'AVX',
  'AVX2',
  'AVX512F',
  'AVX512BW',
  'AVX512CD',
  'AVX512DQ',
  'AVX512VL',
  'FMA3',
  'SSE4',
  'VMX',
  'AESNI',
  'ADX',
  'BMI1',
  'BMI2',
  'SHA',
  'VAES',
];

export function benchNode(n: number, images: number): KubeObject {
  const name = `bench-node-${n}`;
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/os': 'linux',
    'kubernetes.io/hostname': name,
    'node-role.kubernetes.io/worker': '',
    'node.openshift.io/os_id': 'rhcos',
    'topology.kubernetes.io/region': 'region-a',
    'topology.kubernetes.io/zone': `zone-${n % 3}`,
    'kubevirt.io/schedulable': 'true',
    cpumanager: 'false',
    [`${NFD}cpu-model.vendor_id`]: 'Intel',
    [`${NFD}cpu-model.family`]: '6',
    [`${NFD}cpu-model.id`]: '106',
    [`${NFD}kernel-version.full`]: '5.14.0-427.el9.x86_64',
    [`${NFD}kernel-version.major`]: '5',
    [`${NFD}kernel-version.minor`]: '14',
    [`${NFD}system-os_release.ID`]: 'rhcos',
    [`${NFD}system-os_release.VERSION_ID`]: '4.16',
    [`${NFD}memory-numa`]: n % 2 ? 'true' : 'false',
    [`${NFD}iommu-enabled`]: 'true',
    [`${NFD}pci-0300_1a03.present`]: 'true',
    [`${NFD}pci-0200_8086.present`]: 'true',
    [`${NFD}pci-0200_8086.sriov.capable`]: 'true',
    [`${NFD}storage-nonrotationaldisk`]: 'true',
  };
  for (const f of CPU_FLAGS) labels[`${NFD}cpu-cpuid.${f}`] = 'true';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    status: {
      capacity: { cpu: '64', memory: '512Gi', pods: '250', 'ephemeral-storage': '1Ti', 'devices.kubevirt.io/kvm': '1k', 'devices.kubevirt.io/tun': '1k' },
      images: Array.from({ length: images }, (_, i) => ({
        names: [`quay.io/example/image-${i}@sha256:${String(n * 1000 + i).padStart(64, '0')}`, `quay.io/example/image-${i}:v${i}`],
        sizeBytes: 100_000_000 + i,
      })),
    },
  };
}
