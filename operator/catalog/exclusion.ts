// Root exclusion: `platform.kubevirt.io/disabled-resources` on the HCO lists objects that are
// never created, as Kind/namespace/name rules (Kind/name for cluster-scoped objects), separated
// by commas or newlines, with `*` as a wildcard in any part. The Go autopilot's YAML-list dialect
// is accepted too (exclusion-list.ts).
import { parseExclusionList } from './exclusion-list.js';
import { globMatch } from './glob.js';

export interface ExclusionRule {
  text: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface ParsedExclusions {
  rules: ExclusionRule[];
  /** Entries that could not be understood (reported, never silently applied). */
  invalid: string[];
}

const PART = /^[A-Za-z0-9.*_-]*$/;

export function parseExclusions(value: string | undefined): ParsedExclusions {
  const list = parseExclusionList(value);
  if (list) {
    const parsed = parseExclusions(list.rules.join('\n'));
    return { rules: parsed.rules, invalid: [...list.invalid, ...parsed.invalid] };
  }
  const rules: ExclusionRule[] = [];
  const invalid: string[] = [];
  for (const raw of (value ?? '').split(/[,\n]/)) {
    const text = raw.trim();
    if (!text) continue;
    const parts = text.split('/');
    const [kind, namespace, name] = parts.length === 2 ? [parts[0]!, '', parts[1]!] : parts;
    if (parts.length < 2 || parts.length > 3 || !kind || !name || ![kind, namespace ?? '', name].every((p) => PART.test(p))) {
      invalid.push(text);
      continue;
    }
    rules.push({ text, kind, namespace: namespace || '*', name });
  }
  return { rules, invalid };
}

/** The first rule that excludes the object, if any. */
export function excludedBy(rules: readonly ExclusionRule[], kind: string, namespace: string | undefined, name: string): ExclusionRule | undefined {
  return rules.find((r) => globMatch(r.kind, kind) && globMatch(r.namespace, namespace ?? '') && globMatch(r.name, name));
}
