// Whether an asset is considered at all: the activation gate (`autopilot` on the HCO), then the
// asset's conditions, then its gate CRD. Each "no" comes with the reason an admin reads in
// explain/status output.
import { dig } from '../util/dig.js';
import { ANNOTATIONS, annotationsOf, oversizeControls } from '../vocabulary/annotations.js';
import { featureGateEnabled } from '../vocabulary/hco.js';
import type { KubeObject } from '../vocabulary/object.js';
import { ALLOWLIST_ALIASES, annotationValue, expandAllowlist } from './aliases.js';
import type { Asset, Condition } from './catalog.js';
import type { Hardware } from './hardware.js';
import type { Topology } from './topology.js';

export interface EligibilityFacts {
  hco: KubeObject;
  hardware: Hardware;
  topology: Topology;
  hasCrd(name: string): boolean;
}

/**
 * How sure a "no" is, for the off-switch: `decided` by an annotation or an HCO setting (pruned at
 * once), `allowlist` by the autopilot list not naming the asset (pruned at once unless the list
 * names something unknown: a typo), `fact` from hardware or topology detection (pruned only once
 * it has held for the hold-down: node labels flicker), absent when nothing is known for sure
 * (idle, a CRD missing).
 */
export type OffCertainty = 'decided' | 'allowlist' | 'fact';

export type Eligibility = { eligible: true } | { eligible: false; reason: string; missingCrd?: string; off?: OffCertainty };

const FACT_CONDITIONS = new Set<Condition['type']>(['hardware-detection', 'topology']);

export interface Activation {
  all: boolean;
  names: Set<string>;
}

/** Parses the autopilot annotation: undefined when the operator must stay idle (also when any of
 *  its control annotations is over the size limit: refused, not honoured). */
export function parseActivation(hco: KubeObject): Activation | undefined {
  if (oversizeControls(hco).length > 0) return undefined;
  const raw = annotationsOf(hco)[ANNOTATIONS.autopilot]?.trim() ?? '';
  if (!raw || raw.toLowerCase() === 'false') return undefined;
  if (raw.toLowerCase() === 'true') return { all: true, names: new Set() };
  return {
    all: false,
    names: new Set(
      raw
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  };
}

export function activates(a: Activation, asset: Asset): boolean {
  if (a.all) return true;
  const names = expandAllowlist(a.names);
  return names.has(asset.name) || names.has(asset.family) || (asset.group !== undefined && names.has(asset.group));
}

/** Entries of an autopilot allowlist that name no asset, family or group (aliases included). */
export function unknownActivationEntries(a: Activation, assets: Asset[]): string[] {
  const known = new Set([...assets.flatMap((x) => [x.name, x.family, x.group ?? '']), ...Object.keys(ALLOWLIST_ALIASES)]);
  return [...a.names].filter((n) => !known.has(n));
}

function holds(c: Condition, f: EligibilityFacts): string | undefined {
  switch (c.type) {
    case 'annotation': {
      const v = annotationValue(annotationsOf(f.hco), c.key);
      return v === c.value ? undefined : `annotation ${c.key} is not "${c.value}" on the HyperConverged`;
    }
    case 'hardware-detection':
      return f.hardware[c.detector] ? undefined : `no node shows ${c.detector}`;
    case 'feature-gate':
      return featureGateEnabled(f.hco, c.gate) ? undefined : `HyperConverged feature gate ${c.gate} is not enabled`;
    case 'hco-field-unconfigured': {
      const v = dig(f.hco, c.path);
      return v === undefined || v === null ? undefined : `the HyperConverged already sets ${c.path}`;
    }
    case 'topology':
      return f.topology[c.fact] === c.value ? undefined : `topology: ${c.fact} is ${f.topology[c.fact]}`;
  }
}

export function evaluateEligibility(asset: Asset, activation: Activation | undefined, f: EligibilityFacts): Eligibility {
  if (!activation) return { eligible: false, reason: `the ${ANNOTATIONS.autopilot} annotation is absent: the operator is idle` };
  if (!activates(activation, asset)) return { eligible: false, reason: `not in the ${ANNOTATIONS.autopilot} list`, off: 'allowlist' };
  for (const c of asset.conditions) {
    const why = holds(c, f);
    if (why) return { eligible: false, reason: why, off: FACT_CONDITIONS.has(c.type) ? 'fact' : 'decided' };
  }
  if (asset.gateCrd && !f.hasCrd(asset.gateCrd)) return { eligible: false, reason: `CRD ${asset.gateCrd} is not installed`, missingCrd: asset.gateCrd };
  return { eligible: true };
}
