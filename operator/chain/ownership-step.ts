// Ownership: the desired object records whether the operator created or adopted it, and its
// asset (catalog/ownership.ts), so what to do when the asset is turned off is read back from the
// cluster after any restart.
import { stampOwnership } from '../catalog/ownership.js';
import type { Step } from './builder.js';
import type { Located } from './run.js';

export function ownershipStep(): Step<Located, Located> {
  return async (run, next) => next({ ...run, desired: stampOwnership(run.desired, run.live, run.asset.name, run.hco) });
}
