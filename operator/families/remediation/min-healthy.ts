// Whether a NodeHealthCheck can ever remediate on this cluster. The NHC operator remediates only
// while the healthy nodes its selector selects are at least minHealthy, an integer or a percentage
// of the selected nodes rounded up (medik8s/node-healthcheck-operator
// internal/controller/nodehealthcheck_controller.go getMinHealthy: GetScaledValueFromIntOrPercent
// with roundUp, and "Skipped remediation because the number of healthy nodes ... should equal or
// exceed"). With one node unhealthy, the others must still reach minHealthy: on 2 workers with 51%
// (2 needed) that never holds, so the NodeHealthCheck would only ever say it skipped.
import { selectorMatches, type LabelSelector } from '../../util/label-selector.js';

/** A Node as far as a selector reads it. */
export interface LabelledNode {
  readonly labels: Readonly<Record<string, string>>;
}

/** minHealthy as a node count for `total` selected nodes; undefined when not understood. */
export function minHealthyCount(minHealthy: unknown, total: number): number | undefined {
  if (typeof minHealthy === 'number' && Number.isInteger(minHealthy) && minHealthy >= 0) return minHealthy;
  const m = typeof minHealthy === 'string' ? /^(\d{1,3})%$/.exec(minHealthy) : null;
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  return undefined;
}

/** Why the NodeHealthCheck could never remediate here, or undefined when it can. */
export function cannotRemediate(spec: { selector?: LabelSelector; minHealthy?: unknown } | undefined, nodes: readonly LabelledNode[]): string | undefined {
  const selected = nodes.filter((n) => selectorMatches(spec?.selector, n.labels)).length;
  const needed = minHealthyCount(spec?.minHealthy, selected);
  if (needed === undefined || selected - 1 >= needed) return undefined;
  return `not applicable: the NodeHealthCheck selects ${selected} node${selected === 1 ? '' : 's'} and needs ${needed} healthy (minHealthy ${String(spec?.minHealthy)}): with one node unhealthy it could never remediate`;
}
