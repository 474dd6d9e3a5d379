// Kubernetes LabelSelector semantics (metav1.LabelSelectorAsSelector): matchLabels and
// matchExpressions (In, NotIn, Exists, DoesNotExist) must all hold. As the Machine Config Operator
// uses them, a nil or empty selector matches nothing, and an invalid one (unknown operator, In /
// NotIn without values, Exists with values) matches nothing either (the MCO errors on it):
// openshift/machine-config-operator pkg/controller/render/render_controller.go
// getPoolsForMachineConfig, pkg/controller/kubelet-config/kubelet_config_controller.go
// getPoolsForKubeletConfig.
export interface LabelSelectorRequirement {
  key?: string;
  operator?: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

function requirementHolds(r: LabelSelectorRequirement, labels: Readonly<Record<string, string>>): boolean | undefined {
  if (typeof r.key !== 'string' || r.key === '') return undefined;
  const values = Array.isArray(r.values) ? r.values : [];
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'In':
      return values.length ? has && values.includes(labels[r.key] as string) : undefined;
    case 'NotIn':
      return values.length ? !has || !values.includes(labels[r.key] as string) : undefined;
    case 'Exists':
      return values.length ? undefined : has;
    case 'DoesNotExist':
      return values.length ? undefined : !has;
    default:
      return undefined;
  }
}

/** Whether the selector selects an object with these labels (nil, empty or invalid: never). */
export function selectorMatches(selector: LabelSelector | undefined | null, labels: Readonly<Record<string, string>> = {}): boolean {
  if (!selector || typeof selector !== 'object') return false;
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  if (matchLabels.length === 0 && expressions.length === 0) return false;
  for (const [k, v] of matchLabels) if (!Object.prototype.hasOwnProperty.call(labels, k) || labels[k] !== v) return false;
  for (const r of expressions) if (requirementHolds(r, labels) !== true) return false;
  return true;
}
