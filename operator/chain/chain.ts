// The Patched Baseline chain, assembled once and shared by every asset family:
//   record → prune (the off-switch, on a cluster) → eligibility → render → resolve → family admit → exclusion → lookup → unmanaged → paused
//   → ownership → user patch → ignore-fields → then one of three ends:
//   apply:   drift → family gates → anti-thrashing → Server-Side Apply   (the operator; no dry-run where
//            nothing could hold the write: the write tells the drift)
//   explain: drift → family gates → "would write"                        (dry-runs, never writes)
//   offline: "rendered"                                                  (no API server at all)
// Which end is chosen by what is passed; each end takes exactly the dependencies it uses.
import type { KubeClient } from '../kube/client.js';
import type { Renderer } from '../render/renderer.js';
import type { LiveCache } from '../vocabulary/live-cache.js';
import type { ObjectKey } from '../vocabulary/resource.js';
import type { AntiThrashing } from './anti-thrashing.js';
import { admitStep } from './admit-step.js';
import { applyTerminal, renderedTerminal, wouldWriteTerminal } from './apply-step.js';
import { chain, type Chain, type ChainBuilder } from './builder.js';
import type { ChainMetrics } from './chain-metrics.js';
import type { DriftMemo } from './drift-memo.js';
import { driftStep } from './drift-step.js';
import { eligibilityStep } from './eligibility-step.js';
import { excludedStep } from './excluded-step.js';
import { familyGate, type FamilyPolicies } from './family-policy.js';
import { gateStep } from './gate-step.js';
import { ignoreFieldsStep } from './ignore-fields-step.js';
import { lookupStep, type Adoption } from './lookup-step.js';
import { ownershipStep } from './ownership-step.js';
import { pausedStep } from './paused-step.js';
import { prunePreview, pruneWrites } from './prune-end.js';
import { pruneStep, type PruneDeps, type PruneEnd } from './prune-step.js';
import { recordStep, type RecordDeps } from './record-step.js';
import { renderStep } from './render-step.js';
import { resolveStep } from './resolve-step.js';
import type { AssetRun, Effective } from './run.js';
import { throttleStep } from './throttle-step.js';
import { unmanagedStep } from './unmanaged-step.js';
import { userPatchStep } from './user-patch-step.js';

export type { Chain } from './builder.js';

/** What every chain needs: the renderer, the live objects, and where outcomes are recorded. */
export interface ChainBase {
  renderer: Renderer;
  cache: LiveCache;
  record: RecordDeps;
  /** The families' policies (chain/family-policy.ts): admit, and the gates of the apply and explain ends. */
  policies: FamilyPolicies;
  /** Finds objects to adopt (not offline: there is nothing to find). */
  adoption?: Adoption;
  /** The off-switch (on a cluster): when its decisions may be trusted, and the fact hold-down. */
  prune?: Pick<PruneDeps, 'ready' | 'holdDown' | 'unknownActivation'>;
}

/** How a chain ends, from the effective desired object on. */
export interface ChainEnd {
  finish(steps: ChainBuilder<AssetRun, Effective>): Chain;
  /** Told when the user paused an object (the end's edit-war state, if any, calms down). */
  onPaused?(key: ObjectKey): void;
  /** What the off-switch does: prune (the operator) or say what it would prune (explain). */
  prune?: PruneEnd;
}

export function buildChain(base: ChainBase, end: ChainEnd): Chain {
  const prune = base.prune && end.prune ? pruneStep({ ...base.prune, cache: base.cache, policies: base.policies, end: end.prune }) : undefined;
  const steps = chain<AssetRun>()
    .then(recordStep(base.record))
    .then(prune ?? ((run, next) => next(run)))
    .then(eligibilityStep())
    .then(renderStep(base.renderer))
    .then(resolveStep())
    .then(admitStep(base.policies))
    .then(excludedStep())
    .then(lookupStep(base.cache, base.adoption))
    .then(unmanagedStep())
    .then(pausedStep((key) => end.onPaused?.(key)))
    .then(ownershipStep())
    .then(userPatchStep())
    .then(ignoreFieldsStep());
  return end.finish(steps);
}

/** The operator: drift check, the families' gates, anti-thrashing, then the write. */
export function applyEnd(d: {
  client: KubeClient;
  cache: LiveCache;
  memo: DriftMemo;
  antiThrashing: AntiThrashing;
  policies?: FamilyPolicies;
  metrics?: ChainMetrics;
}): ChainEnd {
  return {
    finish: (steps) =>
      steps
        .then(driftStep({ ...d, applyFirst: (run) => !d.policies?.(run.asset.family).beforeApply && d.antiThrashing.msUntilToken(run.key) === 0 }))
        .then(gateStep(d.policies ? [familyGate(d.policies)] : []))
        .then(throttleStep(d))
        .end(applyTerminal(d)),
    onPaused: (key) => d.antiThrashing.calm(key),
    prune: pruneWrites(d.client),
  };
}

/** explain: everything up to the drift check (dry-runs), the families' gates (held or not), then what would be written. */
export function explainEnd(d: { client: KubeClient; memo: DriftMemo; policies?: FamilyPolicies }): ChainEnd {
  return {
    finish: (steps) =>
      steps
        .then(driftStep(d))
        .then(gateStep(d.policies ? [familyGate(d.policies)] : []))
        .end(wouldWriteTerminal()),
    prune: prunePreview(),
  };
}

/** offline (render CLI, /debug/render, rbac-gen): the effective desired object, no API server;
 *  with `prune`, what the off-switch would do to the given live objects (render --objects-file). */
export function offlineEnd(opts: { prune?: boolean } = {}): ChainEnd {
  return { finish: (steps) => steps.end(renderedTerminal()), ...(opts.prune ? { prune: prunePreview() } : {}) };
}
