// The Machine Config Operator, Ignition, the kubelet and systemd judging MachineConfigs and
// KubeletConfigs: the Go validator (their own code, or the MCO's rules encoded with their source)
// gives its findings and the decoded Ignition config; systemd-analyze and the shells judge the
// units and scripts in it.
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import { stableStringify } from '../../../operator/util/stable-json.js';
import { judge, type IgnitionFacts } from '../go-validator.js';
import { checkShellSyntax } from '../shell.js';
import { verifyUnits } from '../systemd.js';
import { describeObject, type ConsumerContext, type ConsumerRules, type Finding } from '../types.js';

type Problem = Omit<Finding, 'object'>;
const nodeChecks = new Map<string, Promise<Problem[]>>();

/** systemd and shell findings for one decoded Ignition config (memoised: matrices repeat configs). */
function nodeProblems(ign: IgnitionFacts): Promise<Problem[]> {
  const key = stableStringify(ign);
  let p = nodeChecks.get(key);
  if (!p) {
    p = (async () => [
      ...(await verifyUnits(ign)).map((u) => ({
        consumer: 'systemd',
        rule: 'unit-verify',
        source: 'systemd systemd-analyze verify (Debian package systemd)',
        message: `${u.unit}: ${u.message}`,
      })),
      ...(await checkShellSyntax(ign)).map((s) => ({
        consumer: 'shell',
        rule: 'shell-syntax',
        source: 'sh -n and bash -n',
        message: `${s.where}: ${s.message}`,
      })),
    ])();
    nodeChecks.set(key, p);
  }
  return p;
}

const poolOfKubeletConfig = (o: KubeObject): string[] =>
  Object.keys((o.spec as { machineConfigPoolSelector?: { matchLabels?: Record<string, string> } } | undefined)?.machineConfigPoolSelector?.matchLabels ?? {})
    .filter((k) => k.startsWith('pools.operator.machineconfiguration.openshift.io/'))
    .map((k) => k.split('/')[1]!);

export const machineConfigRules: ConsumerRules = {
  consumer: 'machine-config-operator',
  kinds: ['MachineConfig', 'KubeletConfig'],
  async validate(obj: KubeObject, ctx: ConsumerContext): Promise<Finding[]> {
    const object = describeObject(obj);
    const r = await judge(ctx.openshiftVersion, obj);
    const found: Problem[] = [...r.findings];
    if (r.ignition) found.push(...(await nodeProblems(r.ignition)));
    if (obj.kind === 'KubeletConfig') {
      for (const pool of poolOfKubeletConfig(obj)) {
        const rivals = ctx.objects.filter((o) => o !== obj && o.kind === 'KubeletConfig' && poolOfKubeletConfig(o).includes(pool));
        if (rivals.length) {
          found.push({
            consumer: 'machine-config-operator',
            rule: 'kubeletconfig-one-per-pool',
            source:
              'openshift/machine-config-operator pkg/controller/kubelet-config/helpers.go getManagedKubeletConfigKey (one generated kubelet MachineConfig per KubeletConfig; the newest wins)',
            message: `pool ${pool} is also targeted by ${rivals.map(describeObject).join(', ')}: only one KubeletConfig's settings take effect`,
          });
        }
      }
    }
    return found.map((f) => ({ ...f, object }));
  },
};
