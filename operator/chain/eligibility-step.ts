// Eligibility: is the asset considered at all (autopilot, conditions, gate CRD)? A missing gate
// CRD is reported once (CRDMissing); an unmet condition is ordinary configuration and stays quiet.
import { evaluateEligibility } from '../catalog/eligibility.js';
import type { Step } from './builder.js';
import type { AssetRun } from './run.js';

export function eligibilityStep(): Step<AssetRun, AssetRun> {
  return async (run, next) => {
    const e = evaluateEligibility(run.asset, run.activation, {
      hco: run.hco,
      hardware: run.facts.hardware,
      topology: run.facts.topology,
      hasCrd: (name) => run.facts.hasCrd(name),
    });
    if (e.eligible) return next(run);
    if (e.missingCrd) return { status: 'skipped', reason: 'CRDMissing', message: `asset ${run.asset.name}: ${e.reason}; skipped until it is installed` };
    const message = `not eligible: ${e.reason}`;
    return e.off
      ? { status: 'skipped', message, off: { reason: e.reason, holdDown: e.off === 'fact', allowlist: e.off === 'allowlist' } }
      : { status: 'skipped', message };
  };
}
