// Handlebars helpers for asset templates. Templates produce YAML, so values that come from the
// cluster (and may contain anything a user typed) go through toJson/quote, which always yield a
// valid YAML scalar or flow collection. Cluster helpers answer from the facts snapshot.
import type { HelperDelegate, HelperOptions } from 'handlebars';
import yaml from 'js-yaml';
import { openshiftAtLeast } from '../catalog/openshift.js';
import { dig } from '../util/dig.js';
import { featureGateEnabled } from '../vocabulary/hco.js';
import type { KubeObject } from '../vocabulary/object.js';
import type { ClusterFacts } from './context.js';
import { nestedStringMap, parseJsonValue } from './json-values.js';
import { NotApplicable } from './not-applicable.js';

/** A template argument as text: scalars as themselves, anything else as JSON. */
function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/** Handlebars passes its options object as the last argument; strip it. */
function args(list: unknown[]): unknown[] {
  return list.slice(0, -1);
}

function enumsOf(facts: ClusterFacts, crdName: string, path: string): string[] {
  const crd = facts.crd(String(crdName));
  if (!crd) return [];
  return crd.enums[crd.storageVersion]?.[String(path)] ?? [];
}

/** Reads a file of the asset catalog (a node script, a config file) by its path inside the assets folder. */
export type AssetFileReader = (path: string) => string;

export function makeHelpers(facts: ClusterFacts, readAssetFile?: AssetFileReader): Record<string, HelperDelegate> {
  return {
    /** {{dig obj "a.b.c" default}} */
    dig: (obj: unknown, path: unknown, ...rest: unknown[]) => {
      const v = dig(obj, String(path));
      const fallback = args(rest)[0];
      return v === undefined || v === null ? fallback : v;
    },
    /** {{default value fallback}} */
    default: (value: unknown, fallback: unknown) => (value === undefined || value === null || value === '' ? fallback : value),
    eq: (a: unknown, b: unknown) => a === b,
    ne: (a: unknown, b: unknown) => a !== b,
    lt: (a: unknown, b: unknown) => Number(a) < Number(b),
    gt: (a: unknown, b: unknown) => Number(a) > Number(b),
    le: (a: unknown, b: unknown) => Number(a) <= Number(b),
    ge: (a: unknown, b: unknown) => Number(a) >= Number(b),
    and: (...list: unknown[]) => args(list).every(Boolean),
    or: (...list: unknown[]) => args(list).some(Boolean),
    not: (a: unknown) => !a,
    /** A JSON value, which is also a valid YAML flow value. */
    toJson: (v: unknown) => JSON.stringify(v ?? null),
    quote: (v: unknown) => JSON.stringify(text(v)),
    /** {{toYaml value indent}}: block YAML indented by `indent` spaces (first line included). */
    toYaml: (v: unknown, ...rest: unknown[]) => {
      const indent = Number(args(rest)[0] ?? 0);
      const text = yaml.dump(v ?? null, { noRefs: true, lineWidth: -1 }).trimEnd();
      return text
        .split('\n')
        .map((l) => ' '.repeat(indent) + l)
        .join('\n');
    },
    /**
     * {{collect list "field" "pattern" "skipFlag" ...}}: the values of `field` of the list's entries
     * whose value matches the pattern and whose skip flags are all unset (e.g. the permitted PCI
     * devices KubeVirt binds). Empty when none qualifies, so {{#with}} renders nothing then.
     */
    collect: (list: unknown, field: unknown, pattern: unknown, ...rest: unknown[]) => {
      if (!Array.isArray(list)) return [];
      const re = new RegExp(String(pattern));
      const skips = args(rest).map(String);
      return list.flatMap((e: unknown) => {
        if (!e || typeof e !== 'object') return [];
        const entry = e as Record<string, unknown>;
        const v = entry[String(field)];
        return typeof v === 'string' && re.test(v) && !skips.some((k) => entry[k]) ? [v] : [];
      });
    },
    /** {{fileDataUrl "machine-config/swap/script.sh"}}: an asset file as a base64 data URL (Ignition file contents). */
    fileDataUrl: (path: unknown) => {
      if (!readAssetFile) throw new Error('fileDataUrl: no asset files in this context');
      return `data:;base64,${Buffer.from(readAssetFile(String(path))).toString('base64')}`;
    },
    join: (list: unknown, sep: unknown) => (Array.isArray(list) ? list.map(String).join(typeof sep === 'string' ? sep : ',') : ''),
    /** {{#if (hasCrd "x.y.z")}} */
    hasCrd: (name: unknown) => facts.hasCrd(text(name)),
    /** {{#if (crdHasEnum "crd.name" "spec.field" "Value")}} */
    crdHasEnum: (crdName: unknown, path: unknown, value: unknown) => enumsOf(facts, String(crdName), String(path)).includes(String(value)),
    /** {{pickEnum "crd.name" "spec.field" "Best" "Fallback" ...}}: the first candidate the CRD offers, or "". */
    pickEnum: (crdName: unknown, path: unknown, ...rest: unknown[]) => {
      const offered = enumsOf(facts, String(crdName), String(path));
      return (
        args(rest)
          .map(String)
          .find((c) => offered.includes(c)) ?? ''
      );
    },
    /** {{#if (objectExists "Namespace" "" "openshift-mtv")}} */
    objectExists: (kind: unknown, namespace: unknown, name: unknown) => facts.objectExists(text(kind), text(namespace), text(name)),
    /**
     * {{#if (matches value "^[0-9]+$")}}: whether a scalar, as text, matches a pattern written in
     * the template. Lets a template accept a user-supplied value (an HCO annotation, a device ID)
     * only in a known-safe shape before it reaches a kernel argument or a kubelet setting.
     */
    matches: (value: unknown, pattern: unknown) => {
      if (typeof value !== 'string' && typeof value !== 'number') return false;
      return new RegExp(String(pattern)).test(String(value));
    },
    /** {{notApplicable "why"}}: renders nothing, and explain and an AssetSkipped Event say why. */
    notApplicable: (reason: unknown) => {
      throw new NotApplicable(text(reason));
    },
    /** {{fromJson (lookup hco.metadata.annotations "...")}}: JSON annotation text as data (undefined if not JSON). */
    fromJson: (text: unknown) => parseJsonValue(text),
    /** {{nestedStringMap value "outerKeyRe" "innerKeyRe" "valueRe"}}: {k: {k2: "v"}} when all of it matches, else undefined. */
    nestedStringMap: (value: unknown, outer: unknown, inner: unknown, text: unknown) => nestedStringMap(value, String(outer), String(inner), String(text)),
    /**
     * {{#if (openshiftAtLeast "4.21")}}: whether the cluster is known to run that OpenShift minor or
     * newer. Unknown (not OpenShift, no ClusterVersion, mid-install) is false: templates put the
     * behaviour of the oldest supported release on that side.
     */
    openshiftAtLeast: (minor: unknown) => openshiftAtLeast(facts.openshift, String(minor)),
    /** {{#if (featureGate "CPUManager")}} against the HCO in the context root. */
    featureGate: function (this: unknown, gate: unknown, options: HelperOptions) {
      const root = (options.data as { root?: { hco?: KubeObject } }).root;
      return root?.hco !== undefined && featureGateEnabled(root.hco, String(gate));
    },
  };
}
