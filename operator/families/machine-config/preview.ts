// The reboot preview: per MachineConfigPool, the pending node-disrupting changes (MachineConfigs
// and KubeletConfigs to create or whose spec changes) and how many nodes one rollout of them
// reboots (the pool's status.machineCount; offline, the Nodes of the role). Shown under the status
// table by `explain` and `render --output status`.
import type { Evaluation } from '../../chain/evaluate-catalog.js';
import type { Topology } from '../../catalog/topology.js';
import { isNodeDisruptingKind, isNodeDisruptingWrite, poolsOf } from './pools-of.js';
import { poolHold, projectPool, type PoolProjection } from './pool.js';

/** A pending change of an evaluation: drifting or held on a cluster, rendered offline (a fresh cluster). */
function pending(e: Evaluation): boolean {
  const o = e.outcome;
  const desired = o.subject?.desired;
  if (!desired || !isNodeDisruptingKind(desired)) return false;
  if (o.status === 'rendered') return true;
  return (o.status === 'drifting' || o.status === 'held') && isNodeDisruptingWrite(o.subject?.live, o.drift ?? []);
}

/**
 * Offline, the two pools every OpenShift cluster has, selecting as the MCO's defaults do, with the
 * Nodes of each role as machine count (unknown without Nodes).
 */
export function defaultPools(topology: Topology): PoolProjection[] {
  const pool = (role: 'master' | 'worker', machines: number): PoolProjection =>
    projectPool({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfigPool',
      metadata: { name: role, labels: { [`pools.operator.machineconfiguration.openshift.io/${role}`]: '' } },
      spec: { machineConfigSelector: { matchLabels: { 'machineconfiguration.openshift.io/role': role } } },
      status: { machineCount: machines, conditions: [{ type: 'Updated', status: 'True' }] },
    });
  return [pool('master', topology.masters), pool('worker', topology.workers)];
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * @param pools the cluster's pools, or the default ones offline
 * @param nodesKnown whether machine counts mean anything (offline without Nodes they do not)
 */
export function rebootPreview(evals: readonly Evaluation[], pools: readonly PoolProjection[], nodesKnown = true): string[] {
  const changes = evals.filter(pending);
  const lines: string[] = [];
  const landed = new Set<Evaluation>();
  for (const p of pools) {
    const mine = changes.filter((e) => e.outcome.subject && poolsOf(e.outcome.subject.desired, [p]).length > 0);
    mine.forEach((e) => landed.add(e));
    if (mine.length === 0) continue;
    const nodes = nodesKnown ? `reboots ${plural(p.machineCount, 'node')}` : 'reboots every node of the pool (node count unknown: give --nodes-file)';
    const held = mine.find((e) => e.outcome.status === 'held')?.outcome.message;
    const state = held ?? (poolHold(p) ? `will be held: ${poolHold(p)?.reason}` : 'pool ready');
    lines.push(
      `pool ${p.name}: ${plural(mine.length, 'pending node-disrupting change')} (${mine.map((e) => e.asset.name).join(', ')}): one rollout ${nodes}; ${state}`,
    );
  }
  for (const e of changes) if (!landed.has(e)) lines.push(`no pool: ${e.asset.name} lands on no MachineConfigPool (reboots nothing)`);
  if (lines.length === 0) return [];
  return ['', 'NODE DISRUPTION (each pool drains and reboots its nodes one by one to roll these out)', ...lines];
}
