// The whole user interface: annotation and label keys.
export const PREFIX = 'platform.kubevirt.io';

export const ANNOTATIONS = {
  autopilot: `${PREFIX}/autopilot`,
  disabledResources: `${PREFIX}/disabled-resources`,
  patch: `${PREFIX}/patch`,
  ignoreFields: `${PREFIX}/ignore-fields`,
  mode: `${PREFIX}/mode`,
  reconcilePaused: `${PREFIX}/reconcile-paused`,
  /** Written by the operator on every object it manages: whether it created or adopted it. */
  ownership: `${PREFIX}/ownership`,
  /** Written by the operator on every object it manages: the asset it belongs to. */
  asset: `${PREFIX}/asset`,
  /** Written by the operator on every object it manages: the HyperConverged (namespace/name) it was configured from. */
  source: `${PREFIX}/source`,
} as const;

/** `platform.kubevirt.io/enable-<feature>` opts in to an opt-in asset. */
export const enableAnnotation = (feature: string): string => `${PREFIX}/enable-${feature}`;

export const MANAGED_BY_LABEL = `${PREFIX}/managed-by`;
export const MANAGED_BY_VALUE = 'virt-platform-operator';

/** Annotation values are untrusted input; anything larger is refused before parsing. */
export const MAX_ANNOTATION_BYTES = 64 * 1024;

export function annotationsOf(obj: { metadata?: { annotations?: Record<string, string> } } | undefined): Record<string, string> {
  return obj?.metadata?.annotations ?? {};
}

/** Annotations the chain reads per object and refuses there itself (InvalidPatch, InvalidIgnoreFields). */
const PER_OBJECT = new Set<string>([ANNOTATIONS.patch, ANNOTATIONS.ignoreFields]);

/**
 * The operator's annotations on the HCO whose value is over the size limit. Such a value is
 * refused, never honoured: not an allowlist, not an exclusion list, not an opt-in.
 */
export function oversizeControls(obj: { metadata?: { annotations?: Record<string, string> } } | undefined): string[] {
  return Object.entries(annotationsOf(obj))
    .filter(([k, v]) => k.startsWith(`${PREFIX}/`) && !PER_OBJECT.has(k) && Buffer.byteLength(v, 'utf8') > MAX_ANNOTATION_BYTES)
    .map(([k]) => k);
}
