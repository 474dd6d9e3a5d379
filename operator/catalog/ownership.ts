// Ownership that survives restarts: every object the operator manages carries, written in the same
// Server-Side Apply as its content, whether the operator created it or adopted it (it existed
// before), which asset it belongs to and which HyperConverged configured it (an object another
// operator's HCO configured is never this one's to prune). The off-switch reads both from the cluster, never from
// process memory: created objects are deleted when their asset is turned off, adopted ones released.
import { ANNOTATIONS, annotationsOf, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../vocabulary/annotations.js';
import { namespacedName, type KubeObject } from '../vocabulary/object.js';

export type Ownership = 'created' | 'adopted';

export function isManaged(obj: KubeObject | undefined): boolean {
  return obj?.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

/** The ownership recorded on a live object; undefined when it carries none (or not ours). */
export function recordedOwnership(live: KubeObject | undefined): Ownership | undefined {
  const v = annotationsOf(live)[ANNOTATIONS.ownership];
  return v === 'created' || v === 'adopted' ? v : undefined;
}

/**
 * The ownership to write with the next apply. Nothing live: the apply creates it. Live without our
 * label: the apply adopts it. Ours already: what it records. Ours but unrecorded (labelled by a
 * version before the marker existed, or the marker edited away): adopted — the conservative side,
 * released and never deleted when it is turned off.
 */
export function ownershipFor(live: KubeObject | undefined): Ownership {
  if (!live) return 'created';
  if (!isManaged(live)) return 'adopted';
  return recordedOwnership(live) ?? 'adopted';
}

/** The HyperConverged an object is configured from, as the source annotation says it. */
export function sourceOf(hco: KubeObject): string {
  return namespacedName(hco);
}

/** The desired object with the ownership, asset and source annotations. */
export function stampOwnership(desired: KubeObject, live: KubeObject | undefined, asset: string, hco: KubeObject): KubeObject {
  const annotations = {
    ...desired.metadata?.annotations,
    [ANNOTATIONS.ownership]: ownershipFor(live),
    [ANNOTATIONS.asset]: asset,
    [ANNOTATIONS.source]: sourceOf(hco),
  };
  return { ...desired, metadata: { ...desired.metadata, annotations } };
}

/** Whether a live object is ours, of this asset, configured from this HyperConverged. */
export function belongsTo(obj: KubeObject, asset: string, hco: KubeObject): boolean {
  const a = annotationsOf(obj);
  return isManaged(obj) && a[ANNOTATIONS.asset] === asset && a[ANNOTATIONS.source] === sourceOf(hco);
}
