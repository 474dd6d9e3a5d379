// The gate before apply: the extension point where an asset family holds a write it must not make
// now (e.g. a MachineConfig while its pool is updating). A gate answers nothing to let the write
// through, or the outcome that stops it. Without gates the step hands on.
import type { Step } from './builder.js';
import type { Outcome } from './outcome.js';
import type { Drifting } from './run.js';

export type ApplyGate = (run: Drifting) => Promise<Outcome | undefined>;

export function gateStep(gates: readonly ApplyGate[]): Step<Drifting, Drifting> {
  return async (run, next) => {
    for (const gate of gates) {
      const held = await gate(run);
      if (held) return held;
    }
    return next(run);
  };
}
