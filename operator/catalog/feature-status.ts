// Which features are on, which are available, and what each is waiting for - from the outcome of
// every asset (a world pass's reports, or an explain/render evaluation). Shared by `explain` and
// the loopback /debug/features endpoint.
import { ANNOTATIONS, annotationsOf } from '../vocabulary/annotations.js';
import type { KubeObject } from '../vocabulary/object.js';
import { annotationValue } from './aliases.js';
import type { Catalog } from './catalog.js';
import { featureGateEnabled } from '../vocabulary/hco.js';
import { parseActivation, activates } from './eligibility.js';
import type { Maturity } from './features.js';

/** One asset's outcome as the reconciler or an evaluation reports it. */
export interface AssetOutcome {
  asset: string;
  status: string;
  message: string;
}

export type FeatureState = 'on' | 'waiting' | 'available' | 'off';

export interface FeatureStatus {
  feature: string;
  title: string;
  maturity: Maturity;
  /** on: some of its objects are applied; waiting: turned on, nothing applied yet; available: its
   *  operators are installed but it is not turned on; off: not turned on and operators missing. */
  state: FeatureState;
  /** The opt-ins that turn it on (empty: on with the autopilot). */
  turnOn: string[];
  /** Why not (more) of it is applied, one line per distinct reason. */
  waitingFor: string[];
  applied: string[];
}

const APPLIED = new Set(['created', 'updated', 'in-sync', 'rendered', 'drifting']);

export function featureStatuses(
  catalog: Catalog,
  hco: KubeObject | undefined,
  outcomes: Iterable<AssetOutcome>,
  hasCrd: (name: string) => boolean,
): FeatureStatus[] {
  const byAsset = new Map([...outcomes].map((o) => [o.asset, o]));
  const activation = hco ? parseActivation(hco) : undefined;
  const annotations = annotationsOf(hco);
  return catalog.features.map((f) => {
    const assets = f.assets.map((n) => catalog.assets.find((a) => a.name === n)!);
    const turnOn = [...f.enable.map((k) => `${k}: "true"`), ...f.featureGates.map((g) => `HCO feature gate ${g}`)];
    const base = { feature: f.name, title: f.title, maturity: f.maturity, turnOn };
    if (!hco) return { ...base, state: 'off' as const, waitingFor: ['a HyperConverged'], applied: [] };
    if (!activation) return { ...base, state: 'off' as const, waitingFor: [`the ${ANNOTATIONS.autopilot} annotation on the HyperConverged`], applied: [] };
    const applied = assets.filter((a) => APPLIED.has(byAsset.get(a.name)?.status ?? '')).map((a) => a.name);
    const selected = assets.some((a) => activates(activation, a));
    const missingOptIns = [
      ...f.enable.filter((k) => annotationValue(annotations, k) !== 'true').map((k) => `${k}: "true" on the HyperConverged`),
      ...f.featureGates.filter((g) => !featureGateEnabled(hco, g)).map((g) => `the HCO feature gate ${g}`),
    ];
    const missingCrds = [...new Set(assets.flatMap((a) => (a.gateCrd && !hasCrd(a.gateCrd) ? [a.gateCrd] : [])))].map((c) => `CRD ${c}`);
    const reasons = [
      ...new Set(
        assets
          .filter((a) => !applied.includes(a.name))
          .map((a) => byAsset.get(a.name))
          .filter((o): o is AssetOutcome => o !== undefined && !APPLIED.has(o.status))
          .map((o) => o.message.replace(/^not eligible: /, '').replace(/^asset [a-z0-9-]+: /, '')),
      ),
    ];
    if (!selected) return { ...base, state: 'off' as const, waitingFor: [`not in the ${ANNOTATIONS.autopilot} list`], applied };
    if (applied.length) return { ...base, state: 'on' as const, waitingFor: applied.length === assets.length ? [] : reasons, applied };
    if (missingOptIns.length)
      return { ...base, state: missingCrds.length ? ('off' as const) : ('available' as const), waitingFor: [...missingOptIns, ...missingCrds], applied };
    return { ...base, state: 'waiting' as const, waitingFor: reasons.length ? reasons : missingCrds, applied };
  });
}

/** A table for explain's status output. */
export function formatFeatures(list: FeatureStatus[], maxDetail = 140): string {
  const rows = [['FEATURE', 'MATURITY', 'STATE', 'WAITING FOR'], ...list.map((s) => [s.feature, s.maturity, s.state, s.waitingFor.join('; ')])];
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        `${r[0]!.padEnd(w[0]!)}  ${r[1]!.padEnd(w[1]!)}  ${r[2]!.padEnd(w[2]!)}  ${r[3]!.length > maxDetail ? r[3]!.slice(0, maxDetail - 1) + '…' : r[3]}`.trimEnd(),
      )
      .join('\n') + '\n'
  );
}
