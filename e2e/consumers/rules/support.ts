// Small helpers shared by the consumer rule modules: a findings collector per judged object, the
// OpenShift minor of the scenario, and safe reads of unstructured objects.
import { dig } from '../../../operator/util/dig.js';
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import { describeObject, type ConsumerContext, type Finding } from '../types.js';

export { dig };

export interface Findings {
  readonly list: Finding[];
  /** Records a finding of `rule` (cited by `source`) unless `ok`. */
  check(ok: boolean, rule: string, source: string, message: string): void;
}

export function findings(consumer: string, obj: KubeObject): Findings {
  const list: Finding[] = [];
  return {
    list,
    check(ok, rule, source, message) {
      if (!ok) list.push({ consumer, rule, source, object: describeObject(obj), message });
    },
  };
}

/** The minor of an OpenShift version ("4.21" → 21); anything else is a mistake in the scenario. */
export function minor(version: string): number {
  const m = /^4\.(\d+)$/.exec(version);
  if (!m) throw new Error(`unexpected OpenShift version "${version}" (want 4.<minor>)`);
  return Number(m[1]);
}

export const atLeast = (ctx: ConsumerContext, version: string): boolean => minor(ctx.openshiftVersion) >= minor(version);

export const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export const spec = (o: KubeObject): Record<string, unknown> => (isRecord(o.spec) ? o.spec : {});

/** The API group of an apiVersion ("" for the core group). */
export const groupOf = (apiVersion: unknown): string => (typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

/** Go's time.ParseDuration syntax, as metav1.Duration fields accept it. */
export const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/** A Go duration in seconds (GO_DURATION syntax), NaN when it does not parse. */
export function durationSeconds(text: unknown): number {
  if (typeof text !== 'string' || !GO_DURATION.test(text)) return NaN;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

/** Kubernetes' DNS-1123 subdomain (IsDNS1123Subdomain in k8s.io/apimachinery/pkg/util/validation). */
export const isDns1123Subdomain = (v: unknown): boolean =>
  typeof v === 'string' && v.length > 0 && v.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(v);

/** The objects of the scenario with this kind (and API group, when given). */
export const objectsOf = (ctx: ConsumerContext, kind: string, group?: string): KubeObject[] =>
  ctx.objects.filter((o) => o.kind === kind && (group === undefined || groupOf(o.apiVersion) === group));

/** Membership of an unknown value in a list of strings. */
export const oneOf = (v: unknown, list: readonly string[]): boolean => typeof v === 'string' && list.includes(v);

/** An unknown value as text for messages. */
export const show = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'));
