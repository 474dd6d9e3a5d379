// The Patched Baseline chain: one uniform step signature, composed once and shared by every
// asset family. A step reads and refines the run (desired object, live object, ...), then either
// answers with an Outcome or hands over to the next step.
import type { Asset } from '../catalog/catalog.js';
import type { Activation } from '../catalog/eligibility.js';
import type { ExclusionRule } from '../catalog/exclusion.js';
import type { KubeObject } from '../vocabulary/object.js';
import type { ResourceRef } from '../vocabulary/resource.js';
import type { ClusterFacts, RenderContext } from '../render/context.js';
import type { EventReason } from '../vocabulary/reasons.js';

export type Status =
  | 'created' // the object did not exist and was applied
  | 'updated' // drift was corrected
  | 'in-sync' // nothing to do
  | 'rendered' // offline: the effective desired object, not applied
  | 'drifting' // explain: a write is due (create or correct)
  | 'skipped' // not applicable, excluded, unmanaged, CRD or namespace missing
  | 'paused' // reconcile-paused, or paused now for thrashing
  | 'refused' // the user's annotation cannot be honoured: nothing is written
  | 'throttled'
  | 'failed';

export interface Outcome {
  status: Status;
  /** The Event reason; undefined for outcomes that never make an Event. */
  reason?: EventReason;
  message: string;
  /** JSON Pointers of drifting fields, when a drift was found. */
  drift?: string[];
  requeueAfterMs?: number;
  /** The effective desired object (after patch and mask), when known. */
  desired?: KubeObject;
  /** What the server returned for a write. */
  applied?: KubeObject;
}

export interface AssetRun {
  asset: Asset;
  hco: KubeObject;
  ctx: RenderContext;
  facts: ClusterFacts;
  /** From the autopilot annotation; undefined means idle. */
  activation: Activation | undefined;
  exclusions: ExclusionRule[];
  /** Set by render: the object being built. */
  desired?: KubeObject;
  /** Set by resolve: how to address it. */
  resource?: ResourceRef;
  /** Set by resolve: "<apiGroup>/<Kind>/<namespace>/<name>". */
  key?: string;
  /** Set by lookup: the object on the cluster, if it exists. */
  live?: KubeObject;
  /** What the user customised on this object (for metrics and explain). */
  customizations: Set<'patch' | 'ignore-fields'>;
  /** Set by the drift step. */
  drift?: string[];
}

export type Next = () => Promise<Outcome>;
export type Step = (run: AssetRun, next: Next) => Promise<Outcome>;

/** Composes steps into one function; the last `next` answers `terminal`. */
export function compose(steps: Step[], terminal: (run: AssetRun) => Promise<Outcome>): (run: AssetRun) => Promise<Outcome> {
  return (run) => {
    const at = (i: number): Promise<Outcome> => (i < steps.length ? steps[i]!(run, () => at(i + 1)) : terminal(run));
    return at(0);
  };
}
