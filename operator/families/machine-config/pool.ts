// A MachineConfigPool as the machine-config family keeps it: a small projection (what the rollout
// gate and the preview read), and whether the pool may take a node-disrupting change now.
// Conditions and counts as the Machine Config Operator writes them (openshift/api
// machineconfiguration/v1 types.go: MachineConfigPoolUpdated, ...Updating, ...Degraded,
// ...NodeDegraded, ...RenderDegraded; status.machineCount, updatedMachineCount, ...).
import type { LabelSelector } from '../../util/label-selector.js';
import type { KubeObject } from '../../vocabulary/object.js';

const CONDITIONS = ['Updated', 'Updating', 'Degraded', 'NodeDegraded', 'RenderDegraded'] as const;
type ConditionType = (typeof CONDITIONS)[number];

export interface PoolCondition {
  status: string;
  message: string;
}

export interface PoolProjection {
  name: string;
  labels: Record<string, string>;
  paused: boolean;
  machineConfigSelector: LabelSelector | undefined;
  /** status.configuration.name: the rendered MachineConfig the pool is on (or moving to). */
  configuration: string | undefined;
  conditions: Partial<Record<ConditionType, PoolCondition>>;
  machineCount: number;
  updatedMachineCount: number;
  readyMachineCount: number;
  degradedMachineCount: number;
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
const text = (v: unknown, max = 300): string => (typeof v === 'string' ? v.slice(0, max) : '');

export function projectPool(o: KubeObject): PoolProjection {
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  const status = (o.status ?? {}) as Record<string, unknown>;
  const conditions: PoolProjection['conditions'] = {};
  for (const c of Array.isArray(status.conditions) ? (status.conditions as Record<string, unknown>[]) : []) {
    const type = CONDITIONS.find((t) => t === c?.type);
    if (type) conditions[type] = { status: text(c.status, 16), message: text(c.message) };
  }
  const selector = spec.machineConfigSelector;
  const configuration = (status.configuration as { name?: unknown } | undefined)?.name;
  return {
    name: o.metadata?.name ?? '',
    labels: { ...(o.metadata?.labels ?? {}) },
    paused: spec.paused === true,
    machineConfigSelector: selector && typeof selector === 'object' ? selector : undefined,
    configuration: typeof configuration === 'string' && configuration ? configuration : undefined,
    conditions,
    machineCount: count(status.machineCount),
    updatedMachineCount: count(status.updatedMachineCount),
    readyMachineCount: count(status.readyMachineCount),
    degradedMachineCount: count(status.degradedMachineCount),
  };
}

/** Why a pool cannot take a change now; `kind` names the hold (one Event per hold of a kind). */
export interface PoolHold {
  kind: 'paused' | 'degraded' | 'updating' | 'not-updated' | 'settling' | 'window' | 'unknown';
  reason: string;
}

const isTrue = (c: PoolCondition | undefined): boolean => c?.status === 'True';

/** The pool's own state: undefined when it may take a change (Updated, not Updating, not Degraded, not paused). */
export function poolHold(p: PoolProjection): PoolHold | undefined {
  if (p.paused) return { kind: 'paused', reason: `pool ${p.name} is paused (spec.paused)` };
  const degraded = (['Degraded', 'NodeDegraded', 'RenderDegraded'] as const).find((t) => isTrue(p.conditions[t]));
  if (degraded) {
    const msg = p.conditions[degraded]?.message;
    return { kind: 'degraded', reason: `pool ${p.name} is ${degraded}${msg ? `: ${msg}` : ''} (${p.degradedMachineCount}/${p.machineCount} nodes degraded)` };
  }
  if (isTrue(p.conditions.Updating))
    return { kind: 'updating', reason: `pool ${p.name} is Updating, ${p.updatedMachineCount}/${p.machineCount} nodes updated` };
  if (!isTrue(p.conditions.Updated))
    return { kind: 'not-updated', reason: `pool ${p.name} is not Updated (${p.updatedMachineCount}/${p.machineCount} nodes updated)` };
  return undefined;
}
