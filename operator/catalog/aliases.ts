// Names the Go implementation of this product (openshift-virtualization/virt-platform-autopilot)
// uses where this one differs, accepted as aliases so an HCO annotated for it keeps working.
// One table for both kinds of names; docs/assets.md prints it (scripts/gen-assets-doc.ts).
// Source: that repository's assets/active/metadata.yaml (asset names, groups, opt-in keys).

/**
 * Entries of the platform.kubevirt.io/autopilot allowlist → the asset names or groups they select
 * here. "swap-enable" matters beyond migration: HCO stops deploying wasp-agent for an allowlist
 * naming it and expects the platform to provide swap (kubevirt/hyperconverged-cluster-operator
 * controllers/handlers/wasp-agent/daemonset.go shouldDeployWaspAgent).
 */
export const ALLOWLIST_ALIASES: Readonly<Record<string, readonly string[]>> = {
  'swap-enable': ['swap'],
  'psi-enable': ['psi-enable-worker'],
  'descheduler-loadaware': ['descheduler', 'descheduler-dashboard'],
  'kubelet-perf-settings': ['kubelet-perf-worker', 'kubelet-perf-master'],
  'kubelet-cpu-manager': ['kubelet-cpu-manager-worker', 'kubelet-cpu-manager-master'],
  'mtv-operator': ['mtv-forklift-controller'],
  'metallb-operator': ['metallb'],
  'monitoring-ui-plugin': ['observability-ui-plugin'],
  'autopilot-dashboard': ['operator-health-dashboard'],
  'ksm-zero-only': ['ksm-zero-pages'],
  'ksm-zero-only-master': ['ksm-zero-pages-master'],
  'vm-drain-shutdown-inhibitor': ['vm-drain'],
  'logging-collector': ['logging-forwarder'],
  'logging-collector-crb-application': ['logging-collector-application'],
  'logging-collector-crb-infrastructure': ['logging-collector-infrastructure'],
  'logging-collector-crb-writer': ['logging-collector-logs-writer'],
  'logging-collector-crb-audit': ['logging-collector-audit'],
  'sbr-detection-config': ['sbr-detection'],
  'nhc-far': ['node-health-check'],
};

/** This product's opt-in annotation → the Go autopilot's key for the same feature. */
export const ANNOTATION_ALIASES: Readonly<Record<string, readonly string[]>> = {
  'platform.kubevirt.io/enable-ksm-zero-pages': ['platform.kubevirt.io/enable-ksm-zero-only'],
  'platform.kubevirt.io/enable-vm-drain': ['platform.kubevirt.io/enable-vm-drain-shutdown-inhibitor'],
  'platform.kubevirt.io/enable-troubleshooting-panel': ['platform.kubevirt.io/enable-korrel8r'],
};

/** An annotation's value on the HCO, under its own key or else under one of its aliases. */
export function annotationValue(annotations: Record<string, string>, key: string): string | undefined {
  if (Object.hasOwn(annotations, key)) return annotations[key];
  for (const alias of ANNOTATION_ALIASES[key] ?? []) if (Object.hasOwn(annotations, alias)) return annotations[alias];
  return undefined;
}

/** Allowlist entries with their aliases' targets added. */
export function expandAllowlist(names: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const n of names) {
    out.add(n);
    for (const t of Object.hasOwn(ALLOWLIST_ALIASES, n) ? ALLOWLIST_ALIASES[n]! : []) out.add(t);
  }
  return out;
}
