// What the controller remembers between passes, so that it speaks only on transitions: whether
// there was an HCO to manage, the HCO's annotation problems last reported, why each ignored
// HyperConverged was reported, and the configuration that last converged. (The chain keeps its own
// per-asset memory: chain/outcome-memory.ts.)
export class ControllerMemory {
  hcoPresent: boolean | undefined;
  annotationProblems: string | undefined;
  /** By the ignored HyperConverged's uid: the reason last said on it. */
  readonly ignoredHcos = new Map<string, string>();
  converged: string | undefined;
}
