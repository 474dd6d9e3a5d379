// Fence Agents Remediation (medik8s/fence-agents-remediation): what its admission webhook and its
// controller decide about a FenceAgentsRemediationTemplate. The deciding code needs a live API
// client and the agent binaries of the FAR image, so it is encoded here, each rule citing it.
// FAR ships with Workload Availability, not with OpenShift; the matrix pairs FAR 0.5 with 4.17,
// 0.6 with 4.19 and 0.7 (February 2026, the first that requires node parameters) with 4.21.
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import type { ConsumerContext, ConsumerRules } from '../types.js';
import { atLeast, durationSeconds, findings, isDns1123Subdomain, isRecord, spec } from './support.js';

const REPO = 'medik8s/fence-agents-remediation';
const PARAMS = `${REPO} api/v1alpha1/fenceagentsremediation_params.go`;

/** Agents the FAR image installs (its Dockerfile: dnf install fence-agents-*), one binary each in /usr/sbin. */
export const FAR_AGENTS = new Set([
  'fence_amt_ws',
  'fence_apc_snmp',
  'fence_cisco_ucs',
  'fence_eaton_snmp',
  'fence_emerson',
  'fence_eps',
  'fence_ibmblade',
  'fence_ifmib',
  'fence_ilo',
  'fence_ilo2',
  'fence_intelmodular',
  'fence_ipdu',
  'fence_ipmilan',
  'fence_ipmilanplus',
  'fence_idrac',
  'fence_ilo3',
  'fence_ilo4',
  'fence_ilo5',
  'fence_imm',
  'fence_redfish',
  'fence_rhevm',
  'fence_vmware_rest',
  'fence_vmware_soap',
  'fence_kubevirt',
  'fence_ibm_powervs',
  'fence_ibm_vpc',
  'fence_aws',
  'fence_azure_arm',
  'fence_gce',
]);

/** A parameter value that is a Go text/template over TemplateData{NodeName} (pkg/template/template.go). */
const NODE_TEMPLATE = /\{\{\s*\.NodeName\s*\}\}/g;
const HAS_NODE_TEMPLATE = /\{\{\s*\.NodeName\s*\}\}/;

function templateProblem(value: string): string | undefined {
  const rest = value.replace(NODE_TEMPLATE, '');
  if (rest.includes('{{') || rest.includes('}}')) return 'is not a template FAR can render (only {{.NodeName}} is defined)';
  return undefined;
}

const isAction = (name: string): boolean => name === 'action' || name === '--action';

export function validateFenceAgentsTemplate(obj: KubeObject, ctx: ConsumerContext) {
  const f = findings('fence-agents-remediation', obj);
  const template = isRecord(spec(obj).template) ? (spec(obj).template as Record<string, unknown>) : {};
  const s = isRecord(template.spec) ? template.spec : {};
  const shared = isRecord(s.sharedparameters) ? s.sharedparameters : {};
  const nodes = isRecord(s.nodeparameters) ? s.nodeparameters : {};

  f.check(
    isRecord(template.spec),
    'template-spec',
    `medik8s/node-healthcheck-operator internal/controller/resources/templates.go getTemplateWithFallbackNamespace`,
    'spec.template.spec is missing: NHC reports the template as invalid',
  );
  const agent = s.agent;
  f.check(
    typeof agent === 'string' && FAR_AGENTS.has(agent),
    'agent-installed',
    `${PARAMS} customValidator.validateAgentName; ${REPO} pkg/validation/validation.go isAgentFileExists; Dockerfile`,
    `agent ${JSON.stringify(agent)} is not a fence agent of the FAR image: "unsupported fence agent"`,
  );
  f.check(
    s.remediationStrategy === undefined || s.remediationStrategy === 'ResourceDeletion' || s.remediationStrategy === 'OutOfServiceTaint',
    'remediation-strategy',
    `${REPO} api/v1alpha1/fenceagentsremediation_types.go RemediationStrategyType; ${PARAMS} validateStrategy`,
    `remediationStrategy ${JSON.stringify(s.remediationStrategy)} is neither ResourceDeletion nor OutOfServiceTaint`,
  );
  for (const field of ['retryinterval', 'timeout']) {
    if (s[field] !== undefined)
      f.check(
        durationSeconds(s[field]) > 0,
        'durations',
        `${REPO} api/v1alpha1/fenceagentsremediation_types.go (metav1.Duration)`,
        `${field} ${JSON.stringify(s[field])} is not a positive Go duration`,
      );
  }

  for (const [name, value] of Object.entries(shared)) {
    f.check(
      /^--[a-z0-9][a-z0-9_-]*$/.test(name),
      'parameter-name',
      `${REPO} controllers/fenceagentsremediation_controller.go appendParamToSlice`,
      `shared parameter "${name}" is passed to the agent as "${name}=..." - fence agents take --long-options`,
    );
    f.check(
      typeof value === 'string',
      'parameter-value',
      `${REPO} api/v1alpha1/fenceagentsremediation_types.go SharedParameters map[ParameterName]string`,
      `shared parameter "${name}" is not a string`,
    );
    if (typeof value !== 'string') continue;
    const problem = templateProblem(value);
    f.check(
      !problem,
      'shared-parameter-template',
      `${PARAMS} customValidator.validateTemplateParameters; ${REPO} pkg/template/template.go RenderParameterTemplate`,
      `shared parameter "${name}" ${problem ?? ''}`,
    );
    if (isAction(name))
      f.check(
        ['', 'reboot', 'off'].includes(value),
        'action',
        `${PARAMS} validateFenceAction`,
        `--action "${value}": FAR doesn't support any other action than reboot or off`,
      );
  }

  let nodeEntries = 0;
  for (const [name, perNode] of Object.entries(nodes)) {
    f.check(
      /^--[a-z0-9][a-z0-9_-]*$/.test(name),
      'parameter-name',
      `${REPO} controllers/fenceagentsremediation_controller.go appendParamToSlice`,
      `node parameter "${name}" is passed to the agent as "${name}=..." - fence agents take --long-options`,
    );
    f.check(
      isRecord(perNode) && Object.keys(perNode).length > 0,
      'node-parameter-shape',
      `${REPO} api/v1alpha1/fenceagentsremediation_types.go NodeParameters map[ParameterName]map[NodeName]string`,
      `node parameter "${name}" names no node`,
    );
    if (!isRecord(perNode)) continue;
    for (const [node, value] of Object.entries(perNode)) {
      nodeEntries++;
      f.check(
        isDns1123Subdomain(node),
        'node-name',
        `${PARAMS} validateFenceAgentParams (looked up by the Node's name, GetNodeName)`,
        `node parameter "${name}" is keyed by "${node}", which cannot be a Node name: never used`,
      );
      f.check(
        typeof value === 'string' && value.length > 0,
        'parameter-value',
        `${PARAMS} validateFenceAgentParams`,
        `node parameter "${name}" for ${node} is empty`,
      );
      if (isAction(name) && typeof value === 'string')
        f.check(['reboot', 'off'].includes(value), 'action', `${PARAMS} validateFenceAction`, `--action "${value}" for ${node}: only reboot or off`);
    }
  }

  if (atLeast(ctx, '4.21')) {
    // FAR 0.7: a template whose parameters do not vary per node is rejected at admission.
    const templated = Object.values(shared).some((v) => typeof v === 'string' && HAS_NODE_TEMPLATE.test(v));
    f.check(
      nodeEntries > 0 || templated,
      'node-parameters-required',
      `${PARAMS} validateFenceAgentParams (onlySharedParamsWithoutTemplate) via customValidator.validateFenceAgentForNodes, FAR >= 0.7`,
      'only shared parameters and no {{.NodeName}} template: FAR >= 0.7 rejects it ("invalid spec: mandatory parameters are missing"), so the template is never created',
    );
  }
  return f.list;
}

export const fenceAgentsRules: ConsumerRules = {
  consumer: 'fence-agents-remediation',
  kinds: ['FenceAgentsRemediationTemplate'],
  validate: validateFenceAgentsTemplate,
};
