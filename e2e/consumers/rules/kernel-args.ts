// Kernel arguments as the kernel reads them: every parameter known (a misspelt one is silently
// ignored by the kernel, yet the MCO still reboots the pool for it), every value in the shape the
// kernel parses, none empty, and no parameter set twice by this operator's MachineConfigs of one
// pool (the MCO concatenates the kernelArguments of every MachineConfig of a pool).
// Source: https://www.kernel.org/doc/html/latest/admin-guide/kernel-parameters.html and
// openshift/machine-config-operator pkg/controller/common/helpers.go MergeMachineConfigs.
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import { describeObject, type ConsumerContext, type ConsumerRules, type Finding } from '../types.js';

const SOURCE = 'linux Documentation/admin-guide/kernel-parameters.txt';
const MERGE_SOURCE = 'openshift/machine-config-operator pkg/controller/common/helpers.go MergeMachineConfigs (kernelArguments of a pool concatenated)';

const bool = /^(0|1|y|n|Y|N|on|off)$/;
/** Parameters this product may set, with the value shape the kernel accepts. */
export const KNOWN_KERNEL_PARAMETERS: Record<string, RegExp> = {
  intel_iommu: /^(on|off|igfx_off|sm_on|sm_off|tboot_noforce|nobounce)(,(on|off|igfx_off|sm_on|sm_off|tboot_noforce|nobounce))*$/,
  amd_iommu: /^(fullflush|off|force_isolation|force_enable|pgtbl_v1|pgtbl_v2|irtcachedis|nohugepages|v2_pgsizes_only)(,[a-z0-9_]+)*$/,
  iommu: /^(off|force|noforce|biomerge|panic|nopanic|merge|nomerge|soft|pt|nopt|calgary)$/,
  psi: bool,
  hugepagesz: /^[0-9]+[KMG]$/,
  default_hugepagesz: /^[0-9]+[KMG]$/,
  hugepages: /^([0-9]+|[0-9]+:[0-9]+(,[0-9]+:[0-9]+)*)$/,
  'usbcore.autosuspend': /^-?[0-9]+$/,
  'vfio-pci.ids': /^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}(,[0-9a-fA-F]{4}:[0-9a-fA-F]{4})*$/,
};
/** Parameters that may repeat: hugepagesz/hugepages come in pairs, one pair per page size. */
const REPEATABLE = new Set(['hugepagesz', 'hugepages']);

const argsOf = (o: KubeObject): string[] =>
  ((o.spec as { kernelArguments?: unknown[] } | undefined)?.kernelArguments ?? []).flatMap((a) => String(a).split(/\s+/).filter(Boolean));
const roleOf = (o: KubeObject): string | undefined => o.metadata?.labels?.['machineconfiguration.openshift.io/role'];

export const kernelArgumentRules: ConsumerRules = {
  consumer: 'linux',
  kinds: ['MachineConfig'],
  validate(obj: KubeObject, ctx: ConsumerContext): Finding[] {
    const object = describeObject(obj);
    const out: Finding[] = [];
    const add = (rule: string, message: string, source = SOURCE): void => void out.push({ consumer: 'linux', rule, source, object, message });
    for (const arg of argsOf(obj)) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg : arg.slice(0, eq);
      const value = eq < 0 ? undefined : arg.slice(eq + 1);
      const shape = KNOWN_KERNEL_PARAMETERS[name];
      if (!shape) add('kernel-arg-unknown', `${arg}: "${name}" is not a kernel parameter this product knows (misspelt parameters are ignored by the kernel)`);
      else if (value === undefined || value === '') add('kernel-arg-empty', `${arg}: empty value`);
      else if (!shape.test(value)) add('kernel-arg-value', `${arg}: "${value}" is not a value ${name} accepts`);
    }
    const role = roleOf(obj);
    const mine = new Map<string, number>();
    for (const arg of argsOf(obj)) mine.set(arg.split('=')[0]!, (mine.get(arg.split('=')[0]!) ?? 0) + 1);
    for (const [name, n] of mine) if (n > 1 && !REPEATABLE.has(name)) add('kernel-arg-duplicate', `${name} is set ${n} times`, MERGE_SOURCE);
    for (const other of ctx.objects) {
      if (other === obj || other.kind !== 'MachineConfig' || roleOf(other) !== role) continue;
      for (const arg of argsOf(other)) {
        const name = arg.split('=')[0]!;
        if (mine.has(name)) add('kernel-arg-duplicate', `${name} is also set by ${describeObject(other)} on the ${role} pool`, MERGE_SOURCE);
      }
    }
    return out;
  },
};
