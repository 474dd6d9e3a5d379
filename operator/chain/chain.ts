// The Patched Baseline chain, assembled once and shared by every asset family:
//   record → eligibility → render → resolve → exclusion → lookup → unmanaged → paused
//   → user patch → ignore-fields → then one of three ends:
//   apply:   drift → family gates → anti-thrashing → Server-Side Apply   (the operator)
//   explain: drift → "would write"                                       (dry-runs, never writes)
//   offline: "rendered"                                                  (no API server at all)
// Which end is chosen by what is passed; each end takes exactly the dependencies it uses.
import type { KubeClient } from '../kube/client.js';
import type { Renderer } from '../render/renderer.js';
import type { LiveCache } from '../vocabulary/live-cache.js';
import type { ObjectKey } from '../vocabulary/resource.js';
import type { AntiThrashing } from './anti-thrashing.js';
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
import { pausedStep } from './paused-step.js';
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
  /** Finds objects to adopt (not offline: there is nothing to find). */
  adoption?: Adoption;
}

/** How a chain ends, from the effective desired object on. */
export interface ChainEnd {
  finish(steps: ChainBuilder<AssetRun, Effective>): Chain;
  /** Told when the user paused an object (the end's edit-war state, if any, calms down). */
  onPaused?(key: ObjectKey): void;
}

export function buildChain(base: ChainBase, end: ChainEnd): Chain {
  const steps = chain<AssetRun>()
    .then(recordStep(base.record))
    .then(eligibilityStep())
    .then(renderStep(base.renderer))
    .then(resolveStep())
    .then(excludedStep())
    .then(lookupStep(base.cache, base.adoption))
    .then(unmanagedStep())
    .then(pausedStep((key) => end.onPaused?.(key)))
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
        .then(driftStep(d))
        .then(gateStep(d.policies ? [familyGate(d.policies)] : []))
        .then(throttleStep(d))
        .end(applyTerminal(d)),
    onPaused: (key) => d.antiThrashing.calm(key),
  };
}

/** explain: everything up to the drift check (dry-runs), then what would be written. */
export function explainEnd(d: { client: KubeClient; memo: DriftMemo }): ChainEnd {
  return { finish: (steps) => steps.then(driftStep(d)).end(wouldWriteTerminal()) };
}

/** offline (render CLI, /debug/render, rbac-gen): the effective desired object, no API server. */
export function offlineEnd(): ChainEnd {
  return { finish: (steps) => steps.end(renderedTerminal()) };
}
