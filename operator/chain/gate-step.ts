// The gate before apply: the extension point where an asset family holds a write it must not make
// now (e.g. a MachineConfig while its pool is updating). A gate answers nothing to let the write
// through, or the outcome that stops it; it is told what became of a write it let through (a
// family batching its writes learns what went out). Without gates the step hands on.
import type { Step } from './builder.js';
import type { Outcome } from './outcome.js';
import type { Drifting } from './run.js';

export interface ApplyGate {
  check(run: Drifting): Promise<Outcome | undefined>;
  /** Told the outcome of a write the gate let through. */
  wrote?(run: Drifting, outcome: Outcome): void;
}

export function gateStep(gates: readonly ApplyGate[]): Step<Drifting, Drifting> {
  return async (run, next) => {
    for (const gate of gates) {
      const held = await gate.check(run);
      if (held) return held;
    }
    const o = await next(run);
    for (const gate of gates) gate.wrote?.(run, o);
    return o;
  };
}
