// The family handlers. A family without one plugs nothing into the chain (its assets run the
// shared steps only). Adding a family = one folder under families/ and one line here.
import type { FamilyPolicies } from '../chain/family-policy.js';
import type { GroupKind } from '../vocabulary/resource.js';
import type { FamilyHandler } from './family-handler.js';

export const FAMILY_HANDLERS: readonly FamilyHandler[] = [];

export function familyPolicies(handlers: readonly FamilyHandler[] = FAMILY_HANDLERS): FamilyPolicies {
  const byName = new Map(handlers.map((h) => [h.name, h]));
  return (family) => byName.get(family) ?? {};
}

export function familyKinds(handlers: readonly FamilyHandler[] = FAMILY_HANDLERS): GroupKind[] {
  return handlers.flatMap((h) => h.kinds);
}
