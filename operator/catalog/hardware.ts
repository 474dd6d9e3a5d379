// Hardware detection from Nodes. A Node is kept only as a compact projection (the labels and
// capacity keys detection looks at), so memory stays small on clusters with thousands of Nodes.
export const DETECTORS = ['pciDevicesPresent', 'numaNodesPresent', 'vfioCapable', 'usbDevicesPresent', 'gpuPresent'] as const;
export type Detector = (typeof DETECTORS)[number];
export type Hardware = Record<Detector, boolean>;

export interface NodeProjection {
  name: string;
  /** Only the labels that detection or topology read (see RELEVANT_LABEL). */
  labels: Record<string, string>;
  /** Extended-resource capacity keys (those with a "/"), e.g. nvidia.com/gpu. */
  capacityKeys: string[];
  unschedulable: boolean;
  /** Keys of NoSchedule/NoExecute taints. */
  taints: string[];
}

const NFD = 'feature.node.kubernetes.io/';
const RELEVANT_LABEL =
  /^(node-role\.kubernetes\.io\/|feature\.node\.kubernetes\.io\/(pci-|usb-|memory-numa|iommu-enabled|cpu-model\.vendor_id)|nvidia\.com\/gpu\.present$|kubernetes\.io\/hostname$)/;
// Device plugins that KubeVirt itself registers on every node; they say nothing about hardware.
const KUBEVIRT_BUILTIN_DEVICES = new Set([
  'devices.kubevirt.io/kvm',
  'devices.kubevirt.io/tun',
  'devices.kubevirt.io/vhost-net',
  'devices.kubevirt.io/vhost-vsock',
]);
// Display controllers of server BMCs (ASPEED, Matrox G200 in iLO/iDRAC): on nearly every
// bare-metal server, and not devices anyone passes through to a VM.
const BMC_DISPLAY = /^feature\.node\.kubernetes\.io\/pci-03[0-9a-f]*_(1a03|102b)\b/;
const GPU_RESOURCE = /^(nvidia\.com\/(gpu|mig-.*|[A-Z].*)|amd\.com\/gpu|gpu\.intel\.com\/.*)$/;

interface RawNode {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { unschedulable?: boolean; taints?: { key?: string; effect?: string }[] };
  status?: { capacity?: Record<string, unknown> };
}

/** Whether detection or topology reads a label. */
export const isRelevantLabel = (key: string): boolean => RELEVANT_LABEL.test(key);

/** Only the labels that detection or topology read. */
export function relevantLabels(labels: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) if (RELEVANT_LABEL.test(k)) out[k] = v;
  return out;
}

/** The extended-resource keys among capacity keys, without the devices KubeVirt registers everywhere. */
export function extendedCapacityKeys(keys: string[]): string[] {
  return keys.filter((k) => k.includes('/') && !KUBEVIRT_BUILTIN_DEVICES.has(k));
}

/** Keys of the taints that keep pods off (NoSchedule, NoExecute). */
export function blockingTaints(taints: { key?: string; effect?: string }[] | undefined): string[] {
  return (taints ?? []).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute').map((t) => t.key ?? '');
}

export function projectNode(node: RawNode): NodeProjection {
  return {
    name: node.metadata?.name ?? '',
    labels: relevantLabels(node.metadata?.labels),
    capacityKeys: extendedCapacityKeys(Object.keys(node.status?.capacity ?? {})),
    unschedulable: node.spec?.unschedulable === true,
    taints: blockingTaints(node.spec?.taints),
  };
}

/** Whether two projections differ in anything detection reads (drives re-evaluation). */
export function sameProjection(a: NodeProjection | undefined, b: NodeProjection | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const truthy = (v: string | undefined): boolean => v === 'true';
const labelMatch = (n: NodeProjection, re: RegExp): boolean => Object.entries(n.labels).some(([k, v]) => re.test(k) && !BMC_DISPLAY.test(k) && truthy(v));

// NFD labels PCI devices as pci-<class><subclass>_<vendor>.present (default classes: 03 display,
// 0b40 co-processor, 12 processing accelerators) and USB devices as usb-<class>_<vendor>_<device>.present.
const DETECT: Record<Detector, (n: NodeProjection) => boolean> = {
  pciDevicesPresent: (n) => labelMatch(n, /^feature\.node\.kubernetes\.io\/pci-[0-9a-f]+_[0-9a-f]+.*\.present$/) || n.capacityKeys.length > 0,
  numaNodesPresent: (n) => truthy(n.labels[`${NFD}memory-numa`]),
  vfioCapable: (n) => truthy(n.labels[`${NFD}iommu-enabled`]),
  usbDevicesPresent: (n) => labelMatch(n, /^feature\.node\.kubernetes\.io\/usb-.*\.present$/),
  gpuPresent: (n) =>
    labelMatch(n, /^feature\.node\.kubernetes\.io\/pci-03[0-9a-f]*_[0-9a-f]+.*\.present$/) ||
    truthy(n.labels['nvidia.com/gpu.present']) ||
    n.capacityKeys.some((k) => GPU_RESOURCE.test(k)),
};

/** The detectors one node shows. */
export function nodeDetectors(n: NodeProjection): Detector[] {
  return DETECTORS.filter((d) => DETECT[d](n));
}

/** Cluster-wide hardware facts: a detector holds when any node shows it. */
export function detectHardware(nodes: Iterable<NodeProjection>): Hardware {
  const hw = Object.fromEntries(DETECTORS.map((d) => [d, false])) as Hardware;
  for (const n of nodes) for (const d of DETECTORS) if (!hw[d] && DETECT[d](n)) hw[d] = true;
  return hw;
}
