// The outermost step: Events and metrics from each outcome. Writes always make an Event (each is
// a transition); anything else makes one only when it differs from the last outcome seen for the
// asset, so a steady state — in sync, or skipped for the same reason — is silent. A pending asset
// (its kind's cache not synced) is no outcome at all: nothing is recorded.
import { describeError } from '../kube/errors.js';
import { involvedOf, type EventSink, type InvolvedObject } from '../kube/events.js';
import { log } from '../log.js';
import { hashOf } from '../util/stable-json.js';
import { ANNOTATIONS, annotationsOf } from '../vocabulary/annotations.js';
import type { EventReason } from '../vocabulary/reasons.js';
import { StepFailure, type Step } from './builder.js';
import type { ChainMetrics } from './chain-metrics.js';
import { failure, OPERATOR_FORBIDDEN_HINT } from './failure.js';
import type { OutcomeMemory } from './outcome-memory.js';
import type { Outcome } from './outcome.js';
import type { AssetRun } from './run.js';

/** Reasons said on the HCO: they are about the configuration, not about one object. */
const HCO_LEVEL = new Set<EventReason>(['CRDMissing', 'RenderFailed']);

/** kind/namespace/name of the object an outcome is about, as log fields. */
function objectFields(run: AssetRun, o: Outcome): { kind?: string; namespace?: string; name?: string } {
  const obj = o.applied ?? o.subject?.live ?? o.subject?.desired;
  return { kind: obj?.kind ?? run.asset.kind, namespace: obj?.metadata?.namespace, name: obj?.metadata?.name };
}

const WRITE_VERB: Partial<Record<string, string>> = { AssetApplied: 'applied', DriftCorrected: 'corrected' };

function target(run: AssetRun, o: Outcome): InvolvedObject {
  if (o.reason && HCO_LEVEL.has(o.reason)) return involvedOf(run.hco);
  // A held create is about an object that does not exist yet: said on the configuration source.
  if (o.status === 'held' && !o.subject?.live) return involvedOf(run.hco);
  return involvedOf(o.applied ?? o.subject?.live ?? o.subject?.desired ?? run.hco);
}

export interface RecordDeps {
  events: EventSink;
  memory: OutcomeMemory;
  metrics?: ChainMetrics;
  /** Names the identity whose permission is missing when a request is forbidden (403): the
   *  operator's ServiceAccount by default; explain runs with the caller's own credentials. */
  forbiddenHint?: string;
}

export function recordStep(deps: RecordDeps): Step<AssetRun, AssetRun> {
  const { events, memory, metrics, forbiddenHint = OPERATOR_FORBIDDEN_HINT } = deps;
  return async (run, next) => {
    let thrown: unknown;
    const o = await next(run).catch((e: unknown): Outcome => {
      thrown = e instanceof StepFailure ? e.cause : e;
      return { ...failure(thrown, forbiddenHint), subject: e instanceof StepFailure ? e.subject : undefined };
    });
    if (o.status === 'pending') return o;
    const name = run.asset.name;
    const customizations = o.subject?.customizations ?? [];
    const wrote = o.status === 'created' || o.status === 'updated' || o.status === 'removed' || o.status === 'released';
    const signature = `${o.status}|${o.reason ?? ''}|${o.episode ?? o.message}`;
    const before = memory.get(name);
    const changed = before?.signature !== signature;
    let patchHash = before?.patchHash;
    if (changed && (o.status === 'failed' || o.status === 'refused' || o.status === 'paused')) {
      log.warn('asset not applied', {
        asset: name,
        ...objectFields(run, o),
        status: o.status,
        reason: o.reason,
        detail: o.message,
        error: o.status === 'failed' && thrown ? describeError(thrown) : undefined,
      });
    }
    if (wrote) {
      // Every write is a line: created, adopted or corrected, and which object.
      const verb = o.status === 'created' || o.status === 'removed' || o.status === 'released' ? o.status : (WRITE_VERB[o.reason ?? ''] ?? 'updated');
      log.info(`object ${verb === 'applied' ? 'adopted' : verb}`, {
        asset: name,
        ...objectFields(run, o),
        drift: o.drift,
        ...(o.off ? { reason: o.off.reason } : {}),
      });
    }
    if (changed || wrote) {
      if (before?.missingCrd && o.reason !== 'CRDMissing')
        events.emit(involvedOf(run.hco), 'CRDDiscovered', `asset ${name}: the CRD it needs is now installed`);
      if (o.reason) events.emit(target(run, o), o.reason, o.message);
    }
    if (wrote && customizations.includes('patch')) {
      // One PatchApplied per distinct patch text that took effect in a write.
      const hash = hashOf(annotationsOf(o.subject?.live)[ANNOTATIONS.patch] ?? '');
      if (hash !== patchHash) {
        patchHash = hash;
        events.emit(target(run, o), 'PatchApplied', `the ${ANNOTATIONS.patch} annotation is applied to asset ${name}`);
      }
    }
    memory.set(name, { signature, missingCrd: o.status === 'skipped' && o.reason === 'CRDMissing', patchHash });
    metrics?.outcome(name, o, customizations);
    return o;
  };
}
