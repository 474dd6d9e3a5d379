// Test support for rbac-gen's unit tests: a small asset library in a temp folder that exercises
// every kind of condition, an empty render, and tombstones.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const METADATA = `
assets:
  - name: hco-golden
    path: hco/golden.yaml.hbs
    kind: HyperConverged
    reconcile_order: 0
  - name: settings
    path: operators/settings.yaml.hbs
    kind: ConfigMap
    reconcile_order: 10
  - name: gpu-tuning
    path: machine-config/gpu.yaml.hbs
    kind: MachineConfig
    reconcile_order: 20
    conditions:
      - type: hardware-detection
        detector: gpuPresent
      - type: topology
        fact: singleNode
        value: false
  - name: cpu-manager
    path: machine-config/cpu-manager.yaml.hbs
    kind: KubeletConfig
    reconcile_order: 20
    install: opt-in
    conditions:
      - type: feature-gate
        gate: CPUManager
  - name: kubelet-perf
    path: machine-config/kubelet-perf.yaml.hbs
    kind: KubeletConfig
    reconcile_order: 20
  - name: mtv
    path: operators/mtv.yaml.hbs
    kind: ForkliftController
    reconcile_order: 40
    install: opt-in
    gate_crd: forkliftcontrollers.forklift.konveyor.io
    conditions:
      - type: annotation
        key: platform.kubevirt.io/enable-mtv
  - name: maintenance
    path: remediation/maintenance.yaml.hbs
    kind: NodeMaintenance
    reconcile_order: 35
    install: opt-in
    conditions:
      - type: annotation
        key: platform.kubevirt.io/enable-node-maintenance
`;

export const TEMPLATES: Record<string, string> = {
  'hco/golden.yaml.hbs': `apiVersion: hco.kubevirt.io/v1
kind: HyperConverged
metadata:
  name: {{hco.metadata.name}}
  namespace: {{namespace}}
spec:
  liveMigrationConfig:
    parallelMigrationsPerCluster: 5
`,
  'operators/settings.yaml.hbs': `apiVersion: v1
kind: ConfigMap
metadata:
  name: platform-settings
  namespace: {{namespace}}
data:
  migrations: {{quote (dig hco "spec.liveMigrationConfig.parallelMigrationsPerCluster" 1)}}
`,
  // Renders only on multi-node clusters with a GPU: the generator must satisfy both.
  'machine-config/gpu.yaml.hbs': `{{#if hardware.gpuPresent}}{{#unless topology.singleNode}}apiVersion: machineconfiguration.openshift.io/v1
kind: MachineConfig
metadata:
  name: 90-worker-gpu
  labels:
    machineconfiguration.openshift.io/role: worker
spec:
  kernelArguments: ["iommu=pt"]
{{/unless}}{{/if}}`,
  'machine-config/cpu-manager.yaml.hbs': `{{#if (featureGate "CPUManager")}}apiVersion: machineconfiguration.openshift.io/v1
kind: KubeletConfig
metadata:
  name: virt-platform-cpu-manager
spec:
  kubeletConfig:
    cpuManagerPolicy: static
{{/if}}`,
  // Gives way to cpu-manager: renders only while another asset's opt-in is off.
  'machine-config/kubelet-perf.yaml.hbs': `{{#unless (featureGate "CPUManager")}}apiVersion: machineconfiguration.openshift.io/v1
kind: KubeletConfig
metadata:
  name: virt-platform-perf
spec:
  kubeletConfig:
    nodeStatusMaxImages: -1
{{/unless}}`,
  'operators/mtv.yaml.hbs': `apiVersion: forklift.konveyor.io/v1beta1
kind: ForkliftController
metadata:
  name: forklift-controller
  namespace: openshift-mtv
spec: {}
`,
  // Renders only when an admin names a node: empty with every condition satisfied.
  'remediation/maintenance.yaml.hbs': `{{#if hco.spec.maintenanceTarget}}apiVersion: nodemaintenance.medik8s.io/v1beta1
kind: NodeMaintenance
metadata:
  name: virt-platform-maintenance
spec:
  nodeName: {{hco.spec.maintenanceTarget}}
{{/if}}`,
};

export const TOMBSTONES: Record<string, string> = {
  'old-settings.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: old-settings
  namespace: openshift-cnv
`,
  'old-machine-configs.yaml': `apiVersion: machineconfiguration.openshift.io/v1
kind: MachineConfig
metadata:
  name: 50-worker-old
---
apiVersion: remediation.medik8s.io/v1alpha1
kind: NodeHealthCheck
metadata:
  name: old-nhc
`,
};

/** Writes the library (or a variant of it) into a new temp folder and returns the folder. */
export function writeAssets(
  made: string[],
  metadata = METADATA,
  templates: Record<string, string> = TEMPLATES,
  tombstones: Record<string, string> | null = TOMBSTONES,
): string {
  const dir = mkdtempSync(join(tmpdir(), 'vpo-rbac-gen-test-'));
  made.push(dir);
  const put = (rel: string, text: string): void => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  put('metadata.yaml', metadata);
  for (const [p, t] of Object.entries(templates)) put(p, t);
  for (const [p, t] of Object.entries(tombstones ?? {})) put(join('tombstones', p), t);
  return dir;
}
