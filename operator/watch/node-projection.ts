// The watch layer's view of a Node: the labels and capacity keys detection and topology read, the
// cordon flag and the NoSchedule/NoExecute taints — nothing else is kept.
import type { NodeProjection } from '../vocabulary/node.js';

const RELEVANT_LABEL = /^(node-role\.kubernetes\.io\/|feature\.node\.kubernetes\.io\/(pci-|usb-|memory-numa|iommu-enabled|cpu-model\.vendor_id)|nvidia\.com\/gpu\.present$|kubernetes\.io\/hostname$)/;
// Device plugins that KubeVirt itself registers on every node; they say nothing about hardware.
const KUBEVIRT_BUILTIN_DEVICES = new Set(['devices.kubevirt.io/kvm', 'devices.kubevirt.io/tun', 'devices.kubevirt.io/vhost-net', 'devices.kubevirt.io/vhost-vsock']);

interface RawNode {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { unschedulable?: boolean; taints?: { key?: string; effect?: string }[] };
  status?: { capacity?: Record<string, unknown> };
}

export function projectNode(node: RawNode): NodeProjection {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) if (RELEVANT_LABEL.test(k)) labels[k] = v;
  return {
    name: node.metadata?.name ?? '',
    labels,
    capacityKeys: Object.keys(node.status?.capacity ?? {}).filter((k) => k.includes('/') && !KUBEVIRT_BUILTIN_DEVICES.has(k)),
    unschedulable: node.spec?.unschedulable === true,
    taints: (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute').map((t) => t.key ?? ''),
  };
}

/** Whether two projections differ in anything detection reads (drives re-evaluation). */
export function sameProjection(a: NodeProjection | undefined, b: NodeProjection | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
