// A run of the chain for one asset, as stages: each step receives one stage and hands the next
// one a new object (never mutating), so what a step may read is what the steps before it
// established — step order is checked by the type checker.
import type { Asset } from '../catalog/catalog.js';
import { parseActivation, type Activation } from '../catalog/eligibility.js';
import { parseExclusions, type ExclusionRule } from '../catalog/exclusion.js';
import { renderContext, type ClusterFacts, type RenderContext } from '../render/context.js';
import { ANNOTATIONS, annotationsOf } from '../vocabulary/annotations.js';
import type { KubeObject } from '../vocabulary/object.js';
import type { ObjectKey, ResourceRef } from '../vocabulary/resource.js';
import type { Customization, Subject } from './outcome.js';

/** What every run starts with: the asset, the HCO (the configuration source) and the facts. */
export interface AssetRun {
  readonly asset: Asset;
  readonly hco: KubeObject;
  readonly ctx: RenderContext;
  readonly facts: ClusterFacts;
  /** From the autopilot annotation; undefined means idle. */
  readonly activation: Activation | undefined;
  readonly exclusions: readonly ExclusionRule[];
}

/** The template rendered one object, labelled as managed. */
export interface Rendered extends AssetRun {
  readonly desired: KubeObject;
}

/** Something installed serves the object: how to address it, and its key. */
export interface Addressed extends Rendered {
  readonly resource: ResourceRef;
  readonly key: ObjectKey;
}

/** The object on the cluster, if it exists. */
export interface Located extends Addressed {
  readonly live: KubeObject | undefined;
}

/** The desired object after the user's patch and ignore-fields (`desired` is now the effective one). */
export interface Effective extends Located {
  readonly customizations: readonly Customization[];
}

/** A write is due: the fields that drift (none when the object is to be created). */
export interface Drifting extends Effective {
  readonly drift: readonly string[];
  /** Not checked by a dry-run: nothing could hold this write, so the write itself tells the drift. */
  readonly unchecked?: true;
}

/** @param family what the asset's family handler adds to the render context */
export function newRun(asset: Asset, hco: KubeObject, facts: ClusterFacts, family: Readonly<Record<string, unknown>> = {}): AssetRun {
  return {
    asset,
    hco,
    facts,
    ctx: renderContext(hco, facts, asset, family),
    activation: parseActivation(hco),
    exclusions: parseExclusions(annotationsOf(hco)[ANNOTATIONS.disabledResources]).rules,
  };
}

/** The subject of an outcome given at this stage (undefined before anything rendered). */
export function subjectOf(run: AssetRun): Subject | undefined {
  const r = run as Partial<Effective>;
  if (!r.desired) return undefined;
  return { desired: r.desired, resource: r.resource, key: r.key, live: r.live, customizations: r.customizations ?? [] };
}
