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

/** Who a 403 is about when the operator itself sends the request. */
export const OPERATOR_FORBIDDEN_HINT = "the operator's ServiceAccount lacks this permission: its ClusterRole virt-platform-operator (npm run rbac-gen) must grant it";

/** An error thrown by a step becomes an outcome: a conflict (stale cache) is retried quietly,
 *  anything else is ApplyFailed with the server's message. */
function failure(err: unknown, forbiddenHint: string): Outcome {
  // Nothing a retry could change: refused once, like an invalid annotation.
  if (err instanceof UnencodableError) return { status: 'refused', reason: 'RenderFailed', message: `nothing written: ${err.message}` };
  if (err instanceof KubeError && err.status === 409) return { status: 'failed', message: `conflict: ${err.message}; retrying`, requeueAfterMs: 500 };
  if (isAbandoned(err)) return { status: 'failed', message: `abandoned: ${describeError(err)}` };
  // The server or the network is busy or away: retried quietly with backoff (or after the
  // server's Retry-After), one constant message so a flapping error is one transition, not many.
  if (isTransient(err)) {
    return { status: 'failed', message: 'the API server is unavailable or busy; retrying', requeueAfterMs: err instanceof KubeError ? err.retryAfterMs : undefined };
  }
  const hint = err instanceof KubeError && err.status === 403 ? ` (${forbiddenHint})` : '';
  return { status: 'failed', reason: 'ApplyFailed', message: `${describeError(err)}${hint}` };
}

/** kind/namespace/name of the object an outcome is about, as log fields. */
function objectFields(run: AssetRun, o: Outcome): { kind?: string; namespace?: string; name?: string } {
  const obj = o.applied ?? run.live ?? run.desired;
  return { kind: obj?.kind ?? run.asset.component, namespace: obj?.metadata?.namespace, name: obj?.metadata?.name };
}

const WRITE_VERB: Partial<Record<string, string>> = { AssetApplied: 'applied', DriftCorrected: 'corrected' };

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
      return failure(err, deps.forbiddenHint ?? OPERATOR_FORBIDDEN_HINT);
    });
    const key = run.asset.name;
    const wrote = o.status === 'created' || o.status === 'updated';
    const signature = `${o.status}|${o.reason ?? ''}|${o.message}`;
    const before = transitions.previous(key);
    const changed = transitions.changed(key, signature);
    if (changed && (o.status === 'failed' || o.status === 'refused' || o.status === 'paused')) {
      log.warn('asset not applied', {
        asset: run.asset.name,
        ...objectFields(run, o),
        status: o.status,
        reason: o.reason,
        detail: o.message,
        error: o.status === 'failed' && lastError ? describeError(lastError) : undefined,
      });
    }
    if (wrote) {
      // Every write is a line: created, adopted or corrected, and which object.
      const verb = o.status === 'created' ? 'created' : (WRITE_VERB[o.reason ?? ''] ?? 'updated');
      log.info(`object ${verb === 'applied' ? 'adopted' : verb}`, { asset: run.asset.name, ...objectFields(run, o), drift: o.drift });
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
