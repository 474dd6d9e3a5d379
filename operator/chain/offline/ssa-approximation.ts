// What Server-Side Apply would leave on an object, approximated offline (the render CLI and
// rbac-gen have no API server): objects merge member by member, anything else is replaced.
// Limits, all from having no server: lists are replaced whole (SSA merges lists by their
// x-kubernetes-list-type/map keys), no defaults or conversion are applied, and fields other
// managers own are not considered. Good enough to project the HCO the golden config leaves for
// later templates to read; never used to decide a write.
import { isPlainObject } from '../../util/plain-object.js';

export function approximateApply(base: unknown, applied: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(applied)) return applied;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(applied)) out[k] = approximateApply(base[k], v);
  return out;
}
