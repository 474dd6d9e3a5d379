// An asset family's handler: the kinds it owns, what it reads, and the policy it plugs into the one
// chain at named points (render context, a gate before apply — chain/family-policy.ts), with
// optional pass hooks and a preview under the status table. One folder per family under
// families/, one line in registry.ts.
import type { Evaluation } from '../chain/evaluate-catalog.js';
import type { FamilyPolicy } from '../chain/family-policy.js';
import type { LabelledNode } from './remediation/min-healthy.js';
import type { ClusterFacts } from '../render/context.js';
import type { KubeObject } from '../vocabulary/object.js';
import type { GroupKind } from '../vocabulary/resource.js';
import type { ObservedKind, ObservedView } from '../watch/observed-kinds.js';

/** What a family's policy may use on a cluster (the operator, or an explain run). */
export interface FamilyDeps {
  observed<T>(name: string): ObservedView<T>;
  now(): number;
  /** How long a MachineConfigPool may settle after a batch before its conditions alone decide. */
  settleTimeoutMs: number;
  /** The cluster's Nodes, as compact projections. */
  nodes(): readonly LabelledNode[];
}

/** A family's policy on a cluster: the chain's extension points, and hooks around each pass. */
export interface FamilyRuntime extends Pick<FamilyPolicy, 'beforeApply'> {
  /** A world pass or a single-asset pass starts / ends (a batch, for a family that batches). */
  beginPass?(): void;
  endPass?(): void;
}

/** What a preview is computed from: the facts, and on a cluster what the family observes. */
export interface PreviewInput {
  facts: ClusterFacts;
  observed?: <T>(name: string) => ObservedView<T>;
}

export interface FamilyHandler {
  /** The family's name: the top-level folder of its templates (hco, machine-config, ...). */
  readonly name: string;
  /** Kinds the family owns beyond its assets' own (watched, label-selected, like theirs). */
  readonly kinds: readonly GroupKind[];
  /** Kinds it reads but never writes (watched as projections while their CRD is installed). */
  readonly observes?: readonly ObservedKind[];
  /** The family's policy at the chain's named points that need nothing but the run (chain/family-policy.ts). */
  context?: FamilyPolicy['context'];
  admit?: FamilyPolicy['admit'];
  sourceAfter?: FamilyPolicy['sourceAfter'];
  /** Problems with the family's own HCO annotations (said once on the HCO with the others). */
  hcoAnnotationProblems?(hco: KubeObject): string[];
  /** The family's policy on a cluster, one per operator (or explain run). */
  runtime?(deps: FamilyDeps): FamilyRuntime;
  /** Lines shown under the status table (explain, render --output status). */
  preview?(evals: readonly Evaluation[], input: PreviewInput): string[];
}
