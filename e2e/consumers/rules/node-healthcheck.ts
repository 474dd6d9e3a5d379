// Node Health Check (medik8s/node-healthcheck-operator): its validating webhook (create/update)
// and what its reconciler does with the remediation templates a NodeHealthCheck points at. The
// webhook lives in an internal/ package and needs a live client, so its rules are encoded here.
// NHC ships with Workload Availability; the matrix pairs NHC 0.8 with 4.17, 0.9 with 4.19 and
// 0.11 with 4.21 (maxUnhealthy and healthyDelay arrived in 0.10).
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import type { ConsumerContext, ConsumerRules } from '../types.js';
import { validateFenceAgentsTemplate } from './fence-agents.js';
import { atLeast, durationSeconds, findings, groupOf, isRecord, show, spec, type Findings } from './support.js';

const REPO = 'medik8s/node-healthcheck-operator';
const WEBHOOK = `${REPO} internal/webhook/v1alpha1/nodehealthcheck_webhook.go`;
const TEMPLATES = `${REPO} internal/controller/resources/templates.go`;

/** The template the Self Node Remediation operator creates itself, in the namespace it runs in. */
export const SNR_DEFAULT_TEMPLATE = {
  kind: 'SelfNodeRemediationTemplate',
  name: 'self-node-remediation-automatic-strategy-template',
  namespace: 'openshift-workload-availability',
};
const SNR_SOURCE = 'medik8s/self-node-remediation api/v1alpha1/selfnoderemediationtemplate_types.go NewRemediationTemplates; internal/template/creator.go';

interface Ref {
  apiVersion?: unknown;
  kind?: unknown;
  name?: unknown;
  namespace?: unknown;
}

function checkSelector(f: Findings, sel: unknown): void {
  const s = isRecord(sel) ? sel : {};
  const labels = isRecord(s.matchLabels) ? s.matchLabels : {};
  const exprs = Array.isArray(s.matchExpressions) ? (s.matchExpressions as unknown[]) : [];
  f.check(
    Object.keys(labels).length + exprs.length > 0,
    'selector-mandatory',
    `${WEBHOOK} validateSelector`,
    'selector is empty: "Selector is mandatory" (an empty selector would select every node)',
  );
  for (const e of exprs) {
    const x = isRecord(e) ? e : {};
    const values = Array.isArray(x.values) ? x.values : [];
    const op = x.operator;
    const ok =
      typeof x.key === 'string' &&
      x.key.length > 0 &&
      (((op === 'In' || op === 'NotIn') && values.length > 0) || ((op === 'Exists' || op === 'DoesNotExist') && values.length === 0));
    f.check(
      ok,
      'selector-valid',
      `${WEBHOOK} validateSelector (metav1.LabelSelectorAsSelector)`,
      `selector expression ${JSON.stringify(e)} is not a valid requirement: "Invalid selector"`,
    );
  }
}

function checkHealthThreshold(f: Findings, s: Record<string, unknown>, ctx: ConsumerContext): void {
  const src = `${REPO} api/v1alpha1/validation.go ValidateMinHealthyMaxUnhealthy`;
  const pattern = /^((100|[0-9]{1,2})%|[0-9]+)$/;
  const newFields = atLeast(ctx, '4.21');
  f.check(
    newFields || s.maxUnhealthy === undefined,
    'max-unhealthy-version',
    `${REPO} api/v1alpha1/nodehealthcheck_types.go (MaxUnhealthy, NHC >= 0.10)`,
    'maxUnhealthy is unknown before NHC 0.10: pruned by the API server, leaving no threshold',
  );
  f.check(
    newFields || s.healthyDelay === undefined,
    'healthy-delay-version',
    `${REPO} api/v1alpha1/nodehealthcheck_types.go (HealthyDelay, NHC >= 0.10)`,
    'healthyDelay is unknown before NHC 0.10 and silently dropped',
  );
  const min = s.minHealthy;
  const max = newFields ? s.maxUnhealthy : undefined;
  f.check((min === undefined) !== (max === undefined), 'min-healthy-max-unhealthy', src, 'exactly one of minHealthy and maxUnhealthy must be set');
  for (const [field, v] of [
    ['minHealthy', min],
    ['maxUnhealthy', max],
  ] as const) {
    if (v !== undefined)
      f.check(
        (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'string' && pattern.test(v)),
        'min-healthy-max-unhealthy',
        src,
        `${field} ${JSON.stringify(v)} is neither a non-negative count nor a percentage up to 100%`,
      );
  }
}

function checkConditions(f: Findings, conds: unknown): void {
  const list = Array.isArray(conds) ? conds : [];
  f.check(
    list.length > 0,
    'unhealthy-conditions',
    `${REPO} api/v1alpha1/nodehealthcheck_types.go UnhealthyConditions`,
    'no unhealthyConditions: no node is ever considered unhealthy',
  );
  for (const c of list) {
    const x = isRecord(c) ? c : {};
    f.check(
      typeof x.type === 'string' && x.type.length > 0 && ['True', 'False', 'Unknown'].includes(String(x.status)) && durationSeconds(x.duration) >= 0,
      'unhealthy-conditions',
      `${REPO} api/v1alpha1/nodehealthcheck_types.go UnhealthyCondition (type, status True|False|Unknown, duration)`,
      `unhealthy condition ${JSON.stringify(c)} is not a node condition type, status and Go duration`,
    );
  }
}

function checkEscalations(f: Findings, escalations: unknown[]): void {
  const orders = new Set<unknown>();
  const kinds = new Set<unknown>();
  for (const e of escalations) {
    const x = isRecord(e) ? e : {};
    f.check(
      !orders.has(x.order),
      'escalation-unique-order',
      `${WEBHOOK} validateEscalatingRemediationsUniqueOrder`,
      `duplicate order ${String(x.order)}: "EscalatingRemediation Order must be unique"`,
    );
    orders.add(x.order);
    f.check(
      durationSeconds(x.timeout) >= 60,
      'escalation-timeout',
      `${WEBHOOK} validateEscalatingRemediationsTimeout`,
      `timeout ${JSON.stringify(x.timeout)}: "EscalatingRemediation Timeout must be at least one minute"`,
    );
    const kind = isRecord(x.remediationTemplate) ? x.remediationTemplate.kind : undefined;
    // FAR's defaulting webhook marks its templates as supporting several of the same kind.
    f.check(
      !kinds.has(kind) || kind === 'FenceAgentsRemediationTemplate',
      'escalation-unique-kind',
      `${WEBHOOK} validateEscalatingRemediationsUniqueRemediator; medik8s/fence-agents-remediation api/v1alpha1/fenceagentsremediationtemplate_webhook.go farTemplateDefaulter.Default`,
      `two escalations use ${String(kind)}: "Using multiple templates of same kind is not supported for this template"`,
    );
    kinds.add(kind);
  }
}

/** Whether the template a reference names will exist and be accepted; the reason when not. */
function templateProblem(ref: Ref, ctx: ConsumerContext): string | undefined {
  if (typeof ref.kind !== 'string' || !ref.kind.endsWith('Template') || typeof ref.name !== 'string' || typeof ref.apiVersion !== 'string') {
    return 'is not an apiVersion/kind/name reference to a *Template';
  }
  if (typeof ref.namespace !== 'string' || !ref.namespace)
    return 'has no namespace: "remediation template not found, it is namespaced, but no namespace is provided"';
  if (
    ref.kind === SNR_DEFAULT_TEMPLATE.kind &&
    ref.name === SNR_DEFAULT_TEMPLATE.name &&
    ref.namespace === SNR_DEFAULT_TEMPLATE.namespace &&
    groupOf(ref.apiVersion) === 'self-node-remediation.medik8s.io'
  ) {
    return undefined; // created by the SNR operator itself
  }
  const target = ctx.objects.find(
    (o) =>
      o.kind === ref.kind &&
      groupOf(o.apiVersion) === groupOf(ref.apiVersion) &&
      o.metadata?.name === ref.name &&
      (o.metadata?.namespace ?? '') === ref.namespace,
  );
  if (!target) return 'names a template that nothing creates';
  if (!isRecord(spec(target).template)) return 'names a template without spec.template (RemediationTemplateInvalid)';
  if (target.kind === 'FenceAgentsRemediationTemplate') {
    const rejected = validateFenceAgentsTemplate(target, ctx);
    if (rejected.length) return `names a template its operator rejects (${rejected.map((r) => r.rule).join(', ')}), so it is never created`;
  }
  return undefined;
}

export function validateNodeHealthCheck(obj: KubeObject, ctx: ConsumerContext) {
  const f = findings('node-healthcheck-operator', obj);
  const s = spec(obj);
  checkSelector(f, s.selector);
  checkHealthThreshold(f, s, ctx);
  checkConditions(f, s.unhealthyConditions);
  const escalations = Array.isArray(s.escalatingRemediations) ? (s.escalatingRemediations as unknown[]) : [];
  const single = s.remediationTemplate;
  f.check(
    single !== undefined || escalations.length > 0,
    'remediation-mandatory',
    `${WEBHOOK} validateMutualRemediations`,
    '"Either RemediationTemplate or at least one EscalatingRemediations must be set"',
  );
  f.check(
    single === undefined || escalations.length === 0,
    'remediation-exclusive',
    `${WEBHOOK} validateMutualRemediations`,
    '"RemediationTemplate and EscalatingRemediations usage is mutual exclusive"',
  );
  checkEscalations(f, escalations);
  const refs: Ref[] = [
    ...(isRecord(single) ? [single] : []),
    ...escalations.map((e) => (isRecord(e) && isRecord(e.remediationTemplate) ? e.remediationTemplate : {})),
  ];
  for (const ref of refs) {
    const problem = templateProblem(ref, ctx);
    f.check(
      !problem,
      'remediation-template-found',
      `${TEMPLATES} manager.ValidateTemplates / handleTemplateError; ${REPO} internal/controller/nodehealthcheck_controller.go Reconcile (Disabled condition); ${SNR_SOURCE}`,
      `${show(ref.kind)} ${show(ref.namespace ?? '')}/${show(ref.name)} ${problem ?? ''}: the NodeHealthCheck disables itself (RemediationTemplateNotFound) and remediates nothing, Self Node Remediation included`,
    );
  }
  return f.list;
}

export const nodeHealthCheckRules: ConsumerRules = {
  consumer: 'node-healthcheck-operator',
  kinds: ['NodeHealthCheck'],
  validate: validateNodeHealthCheck,
};
