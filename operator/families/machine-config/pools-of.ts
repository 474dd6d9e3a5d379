// Which MachineConfigPools an object lands on, as the Machine Config Operator decides it:
// a MachineConfig → every pool whose spec.machineConfigSelector selects the MachineConfig's labels
// (pkg/controller/render/render_controller.go getPoolsForMachineConfig); a KubeletConfig → every
// pool whose labels spec.machineConfigPoolSelector selects (pkg/controller/kubelet-config/
// kubelet_config_controller.go getPoolsForKubeletConfig). Any other kind reboots nothing.
import { selectorMatches, type LabelSelector } from '../../util/label-selector.js';
import type { KubeObject } from '../../vocabulary/object.js';
import type { PoolProjection } from './pool.js';

export const MCO_GROUP = 'machineconfiguration.openshift.io';

/** Kinds whose change the MCO rolls out by draining and rebooting the nodes of a pool. */
export function isNodeDisruptingKind(obj: KubeObject): boolean {
  const group = (obj.apiVersion ?? '').split('/')[0];
  return group === MCO_GROUP && (obj.kind === 'MachineConfig' || obj.kind === 'KubeletConfig');
}

export function poolsOf(obj: KubeObject, pools: readonly PoolProjection[]): PoolProjection[] {
  if (!isNodeDisruptingKind(obj)) return [];
  if (obj.kind === 'MachineConfig') {
    const labels = obj.metadata?.labels ?? {};
    return pools.filter((p) => selectorMatches(p.machineConfigSelector, labels));
  }
  const selector = (obj.spec as { machineConfigPoolSelector?: LabelSelector } | undefined)?.machineConfigPoolSelector;
  return pools.filter((p) => selectorMatches(selector, p.labels));
}

/**
 * Whether a write is node-disrupting: a create, or a change of anything under /spec. A repair of
 * metadata only (our managed-by label re-added) renders nothing new and reboots nothing.
 */
export function isNodeDisruptingWrite(live: KubeObject | undefined, drift: readonly string[]): boolean {
  return !live || drift.some((p) => p === '/spec' || p.startsWith('/spec/'));
}
