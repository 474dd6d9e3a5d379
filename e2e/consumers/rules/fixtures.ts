// Shared test fixtures for the rule tests: a scenario context and good objects to break.
import { hcoObject } from '../../../operator/vocabulary/hco.js';
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import type { ConsumerContext } from '../types.js';

export const hco = (
  annotations: Record<string, string> = {},
  spec: Record<string, unknown> = {},
  status: Record<string, unknown> = { infrastructureHighlyAvailable: true },
): KubeObject => ({
  ...hcoObject('openshift-cnv', { 'platform.kubevirt.io/autopilot': 'true', ...annotations }, spec),
  status,
});

export const ctx = (openshiftVersion: string, objects: KubeObject[] = [], h: KubeObject = hco()): ConsumerContext => ({ openshiftVersion, hco: h, objects });

export const clone = <T>(o: T): T => structuredClone(o);

export const farTemplate = (): KubeObject => ({
  apiVersion: 'fence-agents-remediation.medik8s.io/v1alpha1',
  kind: 'FenceAgentsRemediationTemplate',
  metadata: { name: 'virt-platform-fence-agents', namespace: 'openshift-workload-availability' },
  spec: {
    template: {
      spec: {
        agent: 'fence_ipmilan',
        remediationStrategy: 'OutOfServiceTaint',
        retrycount: 5,
        retryinterval: '5s',
        timeout: '60s',
        sharedparameters: { '--lanplus': '', '--action': 'reboot' },
        nodeparameters: { '--ip': { 'worker-0': '192.168.111.20' } },
      },
    },
  },
});

export const snrRef = {
  apiVersion: 'self-node-remediation.medik8s.io/v1alpha1',
  kind: 'SelfNodeRemediationTemplate',
  name: 'self-node-remediation-automatic-strategy-template',
  namespace: 'openshift-workload-availability',
};
export const farRef = {
  apiVersion: 'fence-agents-remediation.medik8s.io/v1alpha1',
  kind: 'FenceAgentsRemediationTemplate',
  name: 'virt-platform-fence-agents',
  namespace: 'openshift-workload-availability',
};

export const nhc = (remediation: Record<string, unknown> = { remediationTemplate: snrRef }): KubeObject => ({
  apiVersion: 'remediation.medik8s.io/v1alpha1',
  kind: 'NodeHealthCheck',
  metadata: { name: 'virt-platform-workers' },
  spec: {
    selector: { matchExpressions: [{ key: 'node-role.kubernetes.io/worker', operator: 'Exists' }] },
    minHealthy: '51%',
    unhealthyConditions: [{ type: 'Ready', status: 'False', duration: '300s' }],
    ...remediation,
  },
});

export const psiMachineConfig: KubeObject = {
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineConfig',
  metadata: { name: '90-worker-virt-platform-psi' },
  spec: { kernelArguments: ['psi=1'] },
};

export const rulesOf = (list: { rule: string }[]): string[] => [...new Set(list.map((f) => f.rule))].sort();
