// Structured values typed into HCO annotations (site data such as fence-agent node parameters):
// parsed as JSON within the annotation size limit, then accepted all or nothing against patterns
// the template states, so a typo never yields a partial object and no key reaches YAML unchecked.
import { MAX_ANNOTATION_BYTES } from '../annotations.js';

/** JSON text as data; undefined when it is not text, too long, or not JSON. */
export function parseJsonValue(text: unknown): unknown {
  if (typeof text !== 'string' || text.length > MAX_ANNOTATION_BYTES) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isPlainMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * `value` when it is a non-empty map of non-empty maps of strings ({outer: {inner: "text"}}) whose
 * outer keys, inner keys and strings all match their patterns; otherwise undefined.
 */
export function nestedStringMap(value: unknown, outerKey: string, innerKey: string, text: string): Record<string, Record<string, string>> | undefined {
  if (!isPlainMap(value) || Object.keys(value).length === 0) return undefined;
  const [ko, ki, kt] = [new RegExp(outerKey), new RegExp(innerKey), new RegExp(text)];
  const out: Record<string, Record<string, string>> = {};
  for (const [k, inner] of Object.entries(value)) {
    if (!ko.test(k) || !isPlainMap(inner) || Object.keys(inner).length === 0) return undefined;
    const row: Record<string, string> = {};
    for (const [n, v] of Object.entries(inner)) {
      if (!ki.test(n) || typeof v !== 'string' || !kt.test(v)) return undefined;
      row[n] = v;
    }
    out[k] = row;
  }
  return out;
}
