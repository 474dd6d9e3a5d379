// Hardware detection from Nodes, as the watch layer projects them (watch/node-projection.ts).
import type { NodeProjection } from '../vocabulary/node.js';

export const DETECTORS = ['pciDevicesPresent', 'numaNodesPresent', 'vfioCapable', 'usbDevicesPresent', 'gpuPresent'] as const;
export type Detector = (typeof DETECTORS)[number];
export type Hardware = Record<Detector, boolean>;

const NFD = 'feature.node.kubernetes.io/';
// Display controllers of server BMCs (ASPEED, Matrox G200 in iLO/iDRAC): on nearly every
// bare-metal server, and not devices anyone passes through to a VM.
const BMC_DISPLAY = /^feature\.node\.kubernetes\.io\/pci-03[0-9a-f]*_(1a03|102b)\b/;
const GPU_RESOURCE = /^(nvidia\.com\/(gpu|mig-.*|[A-Z].*)|amd\.com\/gpu|gpu\.intel\.com\/.*)$/;

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

/** Cluster-wide hardware facts: a detector holds when any node shows it. */
export function detectHardware(nodes: Iterable<NodeProjection>): Hardware {
  const hw = Object.fromEntries(DETECTORS.map((d) => [d, false])) as Hardware;
  for (const n of nodes) for (const d of DETECTORS) if (!hw[d] && DETECT[d](n)) hw[d] = true;
  return hw;
}
