// What one run of the chain answers for one asset: what happened, what the admin is told (the
// Event reason and message), and which object it is about.
import type { KubeObject } from '../vocabulary/object.js';
import type { EventReason } from '../vocabulary/reasons.js';
import type { ObjectKey, ResourceRef } from '../vocabulary/resource.js';

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
  | 'held' // a family's gate holds the write for now (e.g. its MachineConfigPool is updating)
  | 'removed' // turned off: the object the operator created was deleted
  | 'released' // turned off: the object the operator adopted was given back (label and field ownership)
  | 'pending' // the cache of its kind has not synced yet: nothing is known, nothing is said
  | 'failed';

/** What the user customised on the object: their patch, their ignore-fields. */
export type Customization = 'patch' | 'ignore-fields';

/**
 * The object an outcome is about, as far as the chain got with it: the desired object (after the
 * user's patch and mask once those ran), how it is addressed, the live object.
 */
export interface Subject {
  readonly desired: KubeObject;
  readonly resource?: ResourceRef;
  readonly key?: ObjectKey;
  readonly live?: KubeObject;
  readonly customizations: readonly Customization[];
}

/** Why an asset stopped applying, when that is a "no" the off-switch may act on (chain/prune-step.ts). */
export interface OffSwitch {
  readonly reason: string;
  /** The "no" comes from detected facts: it must hold for the hold-down before anything is pruned. */
  readonly holdDown: boolean;
  /** The "no" is the autopilot list not naming the asset: not trusted while the list names something unknown (a typo). */
  readonly allowlist?: boolean;
}

export interface Outcome {
  readonly status: Status;
  /** The Event reason; undefined for outcomes that never make an Event. */
  readonly reason?: EventReason;
  readonly message: string;
  /** JSON Pointers of drifting fields, when a drift was found. */
  readonly drift?: readonly string[];
  readonly requeueAfterMs?: number;
  /** What the server returned for a write. */
  readonly applied?: KubeObject;
  /** What holds a held write (e.g. the MachineConfigPools it lands on). */
  readonly holders?: readonly string[];
  /**
   * What makes this outcome the same as the last one for Events, when not its message: a hold
   * whose message counts nodes ("3/10 updated") is one hold until its kind changes.
   */
  readonly episode?: string;
  /** Set when the asset stopped applying by a deliberate change (or a fact, after the hold-down). */
  readonly off?: OffSwitch;
  /** Set by the chain from the stage the outcome was given at (see builder.ts). */
  readonly subject?: Subject;
}
