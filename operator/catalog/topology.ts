// Cluster topology facts, derived from the node projections.
import type { NodeProjection } from './hardware.js';

export const TOPOLOGY_FACTS = ['hasSchedulableMasters', 'hasDedicatedWorkers', 'singleNode'] as const;
export type TopologyFact = (typeof TOPOLOGY_FACTS)[number];
/** The facts, and counts for information (no condition reads them; a change of the counts alone
 *  does not re-evaluate the assets). */
export type Topology = Record<TopologyFact, boolean> & { nodes: number; masters: number; workers: number };

const MASTER_ROLES = ['node-role.kubernetes.io/master', 'node-role.kubernetes.io/control-plane'];

export const isMaster = (n: Pick<NodeProjection, 'labels'>): boolean => MASTER_ROLES.some((r) => r in n.labels);
// A master is schedulable when nothing keeps ordinary workloads off it: not cordoned and no
// NoSchedule taint of the master/control-plane roles.
export const masterSchedulable = (n: Pick<NodeProjection, 'unschedulable' | 'taints'>): boolean =>
  !n.unschedulable && !n.taints.some((t) => MASTER_ROLES.includes(t));

export function detectTopology(nodes: Iterable<NodeProjection>): Topology {
  let total = 0;
  let masters = 0;
  let workers = 0;
  let schedulableMasters = 0;
  for (const n of nodes) {
    total++;
    if (isMaster(n)) {
      masters++;
      if (masterSchedulable(n)) schedulableMasters++;
    } else workers++;
  }
  return {
    nodes: total,
    masters,
    workers,
    hasSchedulableMasters: schedulableMasters > 0,
    hasDedicatedWorkers: workers > 0,
    singleNode: total === 1,
  };
}
