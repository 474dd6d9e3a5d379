// The outermost step: Events and metrics from each outcome. Writes always make an Event (each is
// a transition); anything else makes one only when it differs from the last outcome seen for the
// object, so a steady state — in sync, or skipped for the same reason — is silent.
import { ANNOTATIONS, annotationsOf } from '../annotations.js';
import { UnencodableError } from '../kube/apply-body.js';
import { KubeError, describeError, isAbandoned, isTransient } from '../kube/errors.js';
import { involvedOf, type InvolvedObject } from '../kube/events.js';
import type { KubeObject } from '../kube/types.js';
import { log } from '../log.js';
import { hashOf } from '../util/stable-json.js';
import type { ChainDeps } from './deps.js';
import type { AssetRun, Outcome, Step } from './types.js';

/** The last outcome signature per key (an asset, or a named concern of the controller). */
export class Transitions {
  private readonly last = new Map<string, string>();

  /** Records the signature; true when it changed. */
  changed(key: string, signature: string): boolean {
    if (this.last.get(key) === signature) return false;
    this.last.set(key, signature);
    return true;
  }

  previous(key: string): string | undefined {
    return this.last.get(key);
  }

}

const HCO_LEVEL = new Set(['CRDMissing', 'RenderFailed']);

/** An error thrown by a step becomes an outcome: a conflict (stale cache) is retried quietly,
 *  anything else is ApplyFailed with the server's message. */
function failure(err: unknown): Outcome {
  // Nothing a retry could change: refused once, like an invalid annotation.
  if (err instanceof UnencodableError) return { status: 'refused', reason: 'RenderFailed', message: `nothing written: ${err.message}` };
  if (err instanceof KubeError && err.status === 409) return { status: 'failed', message: `conflict: ${err.message}; retrying`, requeueAfterMs: 500 };
  if (isAbandoned(err)) return { status: 'failed', message: `abandoned: ${describeError(err)}` };
  // The server or the network is busy or away: retried quietly with backoff (or after the
  // server's Retry-After), one constant message so a flapping error is one transition, not many.
  if (isTransient(err)) {
    return { status: 'failed', message: 'the API server is unavailable or busy; retrying', requeueAfterMs: err instanceof KubeError ? err.retryAfterMs : undefined };
  }
  const hint = err instanceof KubeError && err.status === 403 ? ' (the operator\'s ClusterRole lacks this permission)' : '';
  return { status: 'failed', reason: 'ApplyFailed', message: `${describeError(err)}${hint}` };
}

function target(run: AssetRun, o: Outcome): InvolvedObject {
  if (o.reason && HCO_LEVEL.has(o.reason)) return involvedOf(run.hco);
  const obj: KubeObject = o.applied ?? run.live ?? run.desired ?? run.hco;
  return involvedOf(obj);
}

export function recordStep(deps: ChainDeps, transitions: Transitions): Step {
  return async (run, next) => {
    let lastError: unknown;
    const o = await next().catch((err: unknown) => {
      lastError = err;
      return failure(err);
    });
    const key = run.asset.name;
    const wrote = o.status === 'created' || o.status === 'updated';
    const signature = `${o.status}|${o.reason ?? ''}|${o.message}`;
    const before = transitions.previous(key);
    const changed = transitions.changed(key, signature);
    if (changed && (o.status === 'failed' || o.status === 'refused' || o.status === 'paused')) {
      log.warn('asset not applied', { asset: run.asset.name, status: o.status, reason: o.reason, message: o.message, error: o.status === 'failed' && lastError ? describeError(lastError) : undefined });
    }
    if (changed || wrote) {
      if (before?.startsWith('skipped|CRDMissing|') && o.reason !== 'CRDMissing') {
        deps.events.emit(involvedOf(run.hco), 'CRDDiscovered', `asset ${run.asset.name}: the CRD it needs is now installed`);
      }
      if (o.reason) deps.events.emit(target(run, o), o.reason, o.message);
    }
    if (wrote && run.customizations.has('patch')) {
      // One PatchApplied per distinct patch text that took effect in a write.
      const patchText = annotationsOf(run.live)[ANNOTATIONS.patch] ?? '';
      if (transitions.changed(`${key}#patch`, hashOf(patchText))) {
        deps.events.emit(target(run, o), 'PatchApplied', `the ${ANNOTATIONS.patch} annotation is applied to asset ${run.asset.name}`);
      }
    }
    deps.metrics?.outcome(run.asset.name, o, [...run.customizations]);
    return o;
  };
}
