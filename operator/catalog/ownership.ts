// Ownership that survives restarts: every object the operator manages carries, written in the same
// Server-Side Apply as its content, whether the operator created it or adopted it (it existed
// before) and which asset it belongs to. The off-switch reads both from the cluster, never from
// process memory: created objects are deleted when their asset is turned off, adopted ones released.
import { ANNOTATIONS, annotationsOf, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../vocabulary/annotations.js';
import type { KubeObject } from '../vocabulary/object.js';

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

/** The desired object with the ownership and asset annotations. */
export function stampOwnership(desired: KubeObject, live: KubeObject | undefined, asset: string): KubeObject {
  const annotations = { ...desired.metadata?.annotations, [ANNOTATIONS.ownership]: ownershipFor(live), [ANNOTATIONS.asset]: asset };
  return { ...desired, metadata: { ...desired.metadata, annotations } };
}

/** The asset a live object of ours belongs to, as it records. */
export function assetOf(obj: KubeObject): string | undefined {
  return isManaged(obj) ? annotationsOf(obj)[ANNOTATIONS.asset] : undefined;
}
