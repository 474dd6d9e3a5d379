// A fresh run of the chain for one asset against the current HCO and cluster facts.
import { ANNOTATIONS, annotationsOf } from '../vocabulary/annotations.js';
import type { Asset } from '../catalog/catalog.js';
import { parseActivation } from '../catalog/eligibility.js';
import { parseExclusions } from '../catalog/exclusion.js';
import type { KubeObject } from '../vocabulary/object.js';
import { renderContext, type ClusterFacts } from '../render/context.js';
import type { AssetRun } from './types.js';

export function newRun(asset: Asset, hco: KubeObject, facts: ClusterFacts): AssetRun {
  return {
    asset,
    hco,
    facts,
    ctx: renderContext(hco, facts, asset),
    activation: parseActivation(hco),
    exclusions: parseExclusions(annotationsOf(hco)[ANNOTATIONS.disabledResources]).rules,
    customizations: new Set(),
  };
}
