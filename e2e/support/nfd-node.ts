// A realistic NFD-labelled worker Node (unit tests of Node projection and hardware detection):
// everything on it that is no hardware signal, plus the labels and capacity a test adds.
// Labels every NFD-managed node carries whatever its hardware: none of them indicates a device.
const BASE_LABELS = {
  'beta.kubernetes.io/arch': 'amd64',
  'kubernetes.io/arch': 'amd64',
  'kubernetes.io/hostname': 'worker-0',
  'kubernetes.io/os': 'linux',
  'node-role.kubernetes.io/worker': '',
  'node.openshift.io/os_id': 'rhcos',
  'topology.kubernetes.io/zone': 'zone-a',
  'feature.node.kubernetes.io/cpu-cpuid.AVX2': 'true',
  'feature.node.kubernetes.io/cpu-model.vendor_id': 'Intel',
  'feature.node.kubernetes.io/kernel-version.major': '5',
  'feature.node.kubernetes.io/system-os_release.ID': 'rhcos',
  'cpumanager': 'false',
  'kubevirt.io/schedulable': 'true',
};

const BASE_CAPACITY = {
  cpu: '64',
  memory: '263662708Ki',
  pods: '250',
  'ephemeral-storage': '1000Gi',
  'hugepages-1Gi': '0',
  'hugepages-2Mi': '0',
  'devices.kubevirt.io/kvm': '1k',
  'devices.kubevirt.io/tun': '1k',
  'devices.kubevirt.io/vhost-net': '1k',
  'devices.kubevirt.io/vhost-vsock': '1k',
};

export function nfdNode(labels: Record<string, string> = {}, capacity: Record<string, string> = {}, spec: { unschedulable?: boolean; taints?: { key?: string; effect?: string }[] } = {}) {
  return {
    metadata: { name: 'worker-0', labels: { ...BASE_LABELS, ...labels }, annotations: { 'big.annotation': 'x'.repeat(1000) } },
    spec,
    status: { capacity: { ...BASE_CAPACITY, ...capacity }, allocatable: { ...BASE_CAPACITY, ...capacity }, images: [{ names: ['quay.io/x'] }] },
  };
}

