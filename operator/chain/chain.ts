// The Patched Baseline chain, assembled once and shared by every asset family:
// record → eligibility → render → resolve → exclude → lookup → unmanaged → paused → user patch → ignore-fields
// → drift → throttle → apply. Offline (no client) it stops after ignore-fields and answers the
// effective desired object.
import { applyTerminal } from './apply-step.js';
import type { ChainDeps } from './deps.js';
import { driftStep } from './drift-step.js';
import { eligibilityStep } from './eligibility-step.js';
import { ignoreFieldsStep } from './ignore-fields-step.js';
import { lookupStep } from './lookup-step.js';
import { recordStep, Transitions } from './record-step.js';
import { renderStep } from './render-step.js';
import { resolveStep } from './resolve-step.js';
import { excludedStep, pausedStep, unmanagedStep } from './skip-steps.js';
import { throttleStep } from './throttle-step.js';
import { compose, type AssetRun, type Outcome, type Step } from './types.js';
import { userPatchStep } from './user-patch-step.js';

export type Chain = (run: AssetRun) => Promise<Outcome>;

/**
 * apply: the operator. explain: everything up to the drift check (dry-runs, never writes).
 * offline: no API server at all (render CLI, /debug/render): stops after ignore-fields.
 */
export type ChainMode = 'apply' | 'explain' | 'offline';

export function buildChain(deps: ChainDeps, transitions = new Transitions(), mode: ChainMode = deps.client ? 'apply' : 'offline'): Chain {
  const steps: Step[] = [
    recordStep(deps, transitions),
    eligibilityStep(),
    renderStep(deps),
    resolveStep(),
    excludedStep(),
    lookupStep(deps),
    unmanagedStep(),
    pausedStep(deps),
    userPatchStep(),
    ignoreFieldsStep(),
  ];
  if (mode === 'offline') {
    return compose(steps, (run) => Promise.resolve({ status: 'rendered', message: 'would be applied', desired: run.desired }));
  }
  if (mode === 'explain') {
    return compose([...steps, driftStep(deps)], (run) =>
      Promise.resolve(
        run.live
          ? { status: 'drifting', message: `would correct ${run.drift?.join(', ')}`, drift: run.drift, desired: run.desired }
          : { status: 'drifting', message: 'would create it', desired: run.desired },
      ),
    );
  }
  return compose([...steps, driftStep(deps), throttleStep(deps)], applyTerminal(deps));
}
