// The off-switch. When an asset stops applying by a deliberate change (its opt-in removed, the
// autopilot allowlist no longer naming it, a disabled-resources rule, an HCO setting), what it had
// made is pruned: the object the operator created is deleted, the one it adopted is released.
// Never on uncertainty: the steps before say which "no" is deliberate (Outcome.off); here nothing
// is pruned while any cache is unsynced, the HCO is going away, the object is unmanaged or paused,
// or a fact-based "no" has not held for the hold-down. A removal that reboots nodes goes through
// the family's gate like any other node-disrupting write. The object is found by the ownership
// annotations it carries (catalog/ownership.ts), so a restart loses nothing.
import type { Activation } from '../catalog/eligibility.js';
import { belongsTo, recordedOwnership, type Ownership } from '../catalog/ownership.js';
import { ANNOTATIONS, annotationsOf } from '../vocabulary/annotations.js';
import type { LiveCache, LiveObject } from '../vocabulary/live-cache.js';
import { describeObject } from '../vocabulary/object.js';
import { keyOf } from '../vocabulary/resource.js';
import type { Step } from './builder.js';
import type { FamilyPolicies } from './family-policy.js';
import { describeHoldDown, type HoldDown } from './hold-down.js';
import type { OffSwitch, Outcome, Subject } from './outcome.js';
import type { AssetRun, Drifting } from './run.js';

/** One object to prune and why. */
export interface PruneTarget {
  run: AssetRun;
  off: OffSwitch;
  target: LiveObject;
  ownership: Ownership;
  subject: Subject;
}

/** What pruning does at the end of a chain: the operator writes, explain says what it would do. */
export type PruneEnd = (t: PruneTarget) => Promise<Outcome>;

export interface PruneDeps {
  cache: LiveCache;
  /** Every cache the decision rests on has synced (Nodes, CRDs, the HCO, the managed kinds). */
  ready(): boolean;
  holdDown: HoldDown;
  /** Entries of the autopilot list that name nothing the catalog knows (a typo must prune nothing). */
  unknownActivation(activation: Activation): string[];
  policies: FamilyPolicies;
  end: PruneEnd;
}

export const verbOf = (o: Ownership): string => (o === 'created' ? 'remove' : 'release');

/** Objects the operator must leave alone whatever the asset says. */
function leftAlone(o: LiveObject): boolean {
  const a = annotationsOf(o.object);
  return a[ANNOTATIONS.mode] === 'unmanaged' || a[ANNOTATIONS.reconcilePaused] === 'true' || Boolean(o.object.metadata?.deletionTimestamp);
}

export function pruneStep(deps: PruneDeps): Step<AssetRun, AssetRun> {
  return async (run, next) => {
    const o = await next(run);
    const name = run.asset.name;
    if (!o.off) {
      deps.holdDown.clear(name);
      return o;
    }
    const wait = o.off.holdDown ? deps.holdDown.remaining(name) : 0;
    if (!o.off.holdDown) deps.holdDown.clear(name);
    if (!deps.ready() || run.hco.metadata?.deletionTimestamp) return o;
    const found = deps.cache.managed(run.asset.kind);
    if (!found.synced) return o;
    const target = found.objects.find((t) => belongsTo(t.object, name, run.hco) && !leftAlone(t));
    if (!target) return o;
    const ownership = recordedOwnership(target.object) ?? 'adopted';
    const what = describeObject(target.object);
    const subject: Subject = {
      desired: target.object,
      live: target.object,
      resource: target.resource,
      key: keyOf(target.resource, target.object),
      customizations: [],
    };
    const unknown = o.off.allowlist && run.activation ? deps.unknownActivation(run.activation) : [];
    if (unknown.length) {
      return {
        ...o,
        message: `${o.message}; ${what} is not ${verbOf(ownership) === 'remove' ? 'removed' : 'released'} while ${ANNOTATIONS.autopilot} names what no asset is (${unknown.join(', ')}): a typo must not turn anything off`,
        subject,
      };
    }
    if (wait > 0) {
      return {
        status: 'held',
        message: `would ${verbOf(ownership)} ${what} once this has held for the hold-down (${describeHoldDown(wait)} left): ${o.off.reason}`,
        episode: `hold-down|${what}`,
        requeueAfterMs: wait + 1000,
        off: o.off,
        subject,
      };
    }
    // A removal is a change to its pool (the MCO renders it without the object): the family's gate.
    const gate = ownership === 'created' ? deps.policies(run.asset.family).beforeApply : undefined;
    const asWrite: Drifting = { ...run, desired: target.object, resource: target.resource, key: subject.key!, live: undefined, customizations: [], drift: [] };
    const held = await gate?.check(asWrite);
    if (held) return { ...held, message: `removal of ${what} ${held.message}`, off: o.off, subject };
    const out = await deps.end({ run, off: o.off, target, ownership, subject });
    gate?.wrote?.(asWrite, out);
    return out;
  };
}
