// An error thrown inside the chain, as an outcome: a conflict (stale cache) is retried quietly,
// the server or the network being away is retried quietly with backoff, anything else is
// ApplyFailed with the server's message.
import { UnencodableError } from '../kube/apply-body.js';
import { describeError, isAbandoned, isTransient, KubeError } from '../kube/errors.js';
import type { Outcome } from './outcome.js';

/** Who a 403 is about when the operator itself sends the request. */
export const OPERATOR_FORBIDDEN_HINT =
  "the operator's ServiceAccount lacks this permission: its ClusterRole virt-platform-operator (npm run rbac-gen) must grant it";

/** @param forbiddenHint whose permission a 403 says is missing */
export function failure(err: unknown, forbiddenHint: string = OPERATOR_FORBIDDEN_HINT): Outcome {
  // Nothing a retry could change: refused once, like an invalid annotation.
  if (err instanceof UnencodableError) return { status: 'refused', reason: 'RenderFailed', message: `nothing written: ${err.message}` };
  if (err instanceof KubeError && err.status === 409) return { status: 'failed', message: `conflict: ${err.message}; retrying`, requeueAfterMs: 500 };
  if (isAbandoned(err)) return { status: 'failed', message: `abandoned: ${describeError(err)}` };
  // The server or the network is busy or away: retried quietly with backoff (or after the
  // server's Retry-After), one constant message so a flapping error is one transition, not many.
  if (isTransient(err)) {
    return {
      status: 'failed',
      message: 'the API server is unavailable or busy; retrying',
      requeueAfterMs: err instanceof KubeError ? err.retryAfterMs : undefined,
    };
  }
  const hint = err instanceof KubeError && err.status === 403 ? ` (${forbiddenHint})` : '';
  return { status: 'failed', reason: 'ApplyFailed', message: `${describeError(err)}${hint}` };
}
