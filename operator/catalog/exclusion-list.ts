// The Go autopilot's dialect of platform.kubevirt.io/disabled-resources: a YAML list of
// {kind, namespace, name} (namespace optional: any namespace; "*" wildcards in namespace and name).
// Each entry becomes a rule of this product's own Kind/namespace/name form, so one matcher judges
// both dialects. Glob features of Go's filepath.Match beyond "*" ("?", "[...]") are refused with a
// clear reason rather than read differently.
// Source: openshift-virtualization/virt-platform-autopilot pkg/engine/exclusion.go
// (ParseDisabledResources, IsResourceExcluded).
import yaml from 'js-yaml';
import { MAX_ANNOTATION_BYTES } from '../vocabulary/annotations.js';

/** At most this many entries are read; the rest are reported. */
export const MAX_LIST_ENTRIES = 500;

export interface ExclusionList {
  /** Rules in the Kind/namespace/name (or Kind/name) text form. */
  rules: string[];
  /** Entries that cannot be honoured, with the reason. */
  invalid: string[];
}

const PART = /^[A-Za-z0-9.*_-]+$/;

/** The list dialect is recognised by its shape: a YAML sequence ("- ..." or "[...]"). */
export function isExclusionList(value: string | undefined): boolean {
  const t = value?.trimStart() ?? '';
  return t.startsWith('-') || t.startsWith('[');
}

/** undefined when the value is not in the list dialect. */
export function parseExclusionList(value: string | undefined): ExclusionList | undefined {
  if (!isExclusionList(value)) return undefined;
  if (Buffer.byteLength(value!) > MAX_ANNOTATION_BYTES) return { rules: [], invalid: [`the YAML list is larger than ${MAX_ANNOTATION_BYTES} bytes`] };
  let doc: unknown;
  try {
    // Core schema: plain data, no custom types.
    doc = yaml.load(value!, { schema: yaml.CORE_SCHEMA });
  } catch (e) {
    return { rules: [], invalid: [`not a valid YAML list: ${(e as Error).message.split('\n')[0]}`] };
  }
  if (!Array.isArray(doc)) return { rules: [], invalid: ['a YAML list of {kind, namespace, name} was expected'] };
  const out: ExclusionList = { rules: [], invalid: [] };
  if (doc.length > MAX_LIST_ENTRIES) out.invalid.push(`only the first ${MAX_LIST_ENTRIES} of ${doc.length} entries are read`);
  doc.slice(0, MAX_LIST_ENTRIES).forEach((e, i) => {
    const where = `entry ${i + 1}`;
    if (!e || typeof e !== 'object' || Array.isArray(e)) return void out.invalid.push(`${where}: not a mapping`);
    const r = e as Record<string, unknown>;
    const field = (k: string): string | undefined => (Object.hasOwn(r, k) && (typeof r[k] === 'string' || typeof r[k] === 'number') ? String(r[k]) : undefined);
    const extra = Object.keys(r).filter((k) => !['kind', 'namespace', 'name'].includes(k));
    const [kind, namespace, name] = [field('kind'), field('namespace'), field('name')];
    if (!kind || !name) return void out.invalid.push(`${where}: kind and name are required`);
    if (extra.length) return void out.invalid.push(`${where}: unknown field(s) ${extra.join(', ')}`);
    const parts = [kind, name, ...(namespace ? [namespace] : [])];
    if (!parts.every((p) => PART.test(p)))
      return void out.invalid.push(
        `${where} (${kind}/${namespace ? namespace + '/' : ''}${name}): only letters, digits, ".", "_", "-" and the "*" wildcard are understood`,
      );
    out.rules.push(namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`);
  });
  return out;
}
