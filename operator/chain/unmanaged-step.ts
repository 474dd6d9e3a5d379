// Unmanaged: `mode: unmanaged` on the object itself — the operator leaves it alone entirely.
import { ANNOTATIONS, annotationsOf } from '../vocabulary/annotations.js';
import type { Step } from './builder.js';
import type { Located } from './run.js';

export function unmanagedStep(): Step<Located, Located> {
  return async (run, next) => {
    if (annotationsOf(run.live)[ANNOTATIONS.mode] === 'unmanaged') {
      return { status: 'skipped', reason: 'UnmanagedMode', message: `${ANNOTATIONS.mode} is "unmanaged": the operator leaves this object alone` };
    }
    return next(run);
  };
}
