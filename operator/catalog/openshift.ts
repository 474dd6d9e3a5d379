// OpenShift facts the payload depends on: the version (ClusterVersion "version") and the
// infrastructure topology (Infrastructure "cluster"). Unknown - not OpenShift, CRD or object
// missing, no completed update yet - is undefined, and every template reads unknown as the
// conservative choice: the oldest behaviour the product supports (see openshiftAtLeast).
import type { KubeObject } from '../kube/types.js';

export interface OpenShiftFacts {
  /** "major.minor" the whole cluster runs, e.g. "4.21". */
  version?: string;
  /** Infrastructure status.controlPlaneTopology: HighlyAvailable, SingleReplica, External, ... */
  controlPlaneTopology?: string;
  /** Infrastructure status.infrastructureTopology: HighlyAvailable or SingleReplica. */
  infrastructureTopology?: string;
  /** Infrastructure status.platformStatus.type (or the older status.platform): BareMetal, None, AWS, ... */
  platform?: string;
}

const minorOf = (v: unknown): string | undefined => (typeof v === 'string' ? /^(\d+\.\d+)(\.|$|-)/.exec(v)?.[1] : undefined);

/** Compares "4.9" < "4.21" numerically; undefined when either is not major.minor. */
export function compareMinor(a: string, b: string): number | undefined {
  const pa = /^(\d+)\.(\d+)$/.exec(a);
  const pb = /^(\d+)\.(\d+)$/.exec(b);
  if (!pa || !pb) return undefined;
  return Number(pa[1]) - Number(pb[1]) || Number(pa[2]) - Number(pb[2]);
}

/**
 * The version every node is known to run: the older of the desired version and the newest
 * completed update. While an update is in progress the nodes may still run the previous release,
 * whose Machine Config Operator and kubelet decide what a MachineConfig does.
 */
export function clusterVersionOf(cv: KubeObject | undefined): string | undefined {
  const status = (cv as { status?: { desired?: { version?: unknown }; history?: { state?: unknown; version?: unknown }[] } } | undefined)?.status;
  const completed = minorOf(status?.history?.find((h) => h?.state === 'Completed')?.version);
  const desired = minorOf(status?.desired?.version);
  if (!completed) return undefined;
  if (!desired) return completed;
  return (compareMinor(desired, completed) ?? 0) < 0 ? desired : completed;
}

export function infrastructureFacts(infra: KubeObject | undefined): Omit<OpenShiftFacts, 'version'> {
  const s = (infra as { status?: Record<string, unknown> } | undefined)?.status ?? {};
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    controlPlaneTopology: str(s.controlPlaneTopology),
    infrastructureTopology: str(s.infrastructureTopology),
    platform: str((s.platformStatus as { type?: unknown } | undefined)?.type) ?? str(s.platform),
  };
}

/** Whether the cluster is known to run at least `minor`; unknown is false (the conservative side). */
export function openshiftAtLeast(facts: OpenShiftFacts | undefined, minor: string): boolean {
  return facts?.version !== undefined && (compareMinor(facts.version, minor) ?? -1) >= 0;
}
