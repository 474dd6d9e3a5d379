// The observability family: dashboards in the HCO's namespace (which exists). No policy beyond the
// shared chain (their CRDs gate them through the catalog); a handler all the same, so the registry
// lists every family of the catalog.
import type { FamilyHandler } from '../family-handler.js';

export const observabilityFamily: FamilyHandler = {
  name: 'observability',
  kinds: [],
};
