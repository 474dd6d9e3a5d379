// An asset family's handler: the kinds it owns and the policy it plugs into the one chain (render
// context, a gate before apply — chain/family-policy.ts). One folder per family under families/,
// one line in registry.ts.
import type { FamilyPolicy } from '../chain/family-policy.js';
import type { GroupKind } from '../vocabulary/resource.js';

export interface FamilyHandler extends FamilyPolicy {
  /** The family's name: the top-level folder of its templates (hco, machine-config, ...). */
  readonly name: string;
  /** Kinds the family owns beyond its assets' own (watched, label-selected, like theirs). */
  readonly kinds: readonly GroupKind[];
}
