// What the node makes of the files and units a MachineConfig writes, beyond their syntax:
// - modprobe.d: every "options" line names a module and gives each parameter a value; vfio-pci's
//   ids list holds only vendor:device[:subvendor:subdevice[:class:mask]] entries. An empty ids=
//   binds nothing, yet the MachineConfig still reboots the pool.
//   Source: modprobe.d(5); linux drivers/vfio/pci/vfio_pci.c vfio_pci_fill_ids.
// - units never hold up the kubelet: kubelet.service Requires=kubelet-dependencies.target (MCO
//   templates/*/01-*-kubelet/_base/units/kubelet.service.yaml), so a unit that is RequiredBy (or
//   RequisiteOf / BindsTo) the kubelet or its dependencies and fails keeps the kubelet down on every
//   boot. Our units are WantedBy only.
//   Source: systemd.unit(5) [Install] RequiredBy=.
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import { judge } from '../go-validator.js';
import { describeObject, type ConsumerContext, type ConsumerRules, type Finding } from '../types.js';

const KUBELET_UNITS = ['kubelet.service', 'kubelet-dependencies.target', 'crio.service'];
const VFIO_ID = /^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}(:[0-9a-fA-F]{4}:[0-9a-fA-F]{4}(:[0-9a-fA-F]{1,8}:[0-9a-fA-F]{1,8})?)?$/;

export function modprobeProblems(contents: string): string[] {
  const out: string[] = [];
  for (const raw of contents.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('options')) continue;
    const [, module, ...params] = line.split(/\s+/);
    if (!module) out.push(`"${line}": no module named`);
    if (params.length === 0) out.push(`"${line}": no parameter`);
    for (const p of params) {
      const [name, value] = [p.slice(0, p.indexOf('=') < 0 ? p.length : p.indexOf('=')), p.includes('=') ? p.slice(p.indexOf('=') + 1) : undefined];
      if (value === undefined || value === '') out.push(`${module} ${name}: empty value`);
      else if ((module === 'vfio-pci' || module === 'vfio_pci') && name === 'ids') {
        for (const id of value.split(','))
          if (!VFIO_ID.test(id)) out.push(`vfio-pci ids: ${id === '' ? 'an empty entry' : `"${id}" is not vendor:device`} in "${value}"`);
      }
    }
  }
  return out;
}

export function blocksKubelet(unit: string): string[] {
  const out: string[] = [];
  for (const line of unit.split('\n')) {
    const m = /^\s*(RequiredBy|RequisiteOf|BoundBy)=(.*)$/.exec(line);
    if (!m) continue;
    for (const target of m[2]!.split(/\s+/))
      if (KUBELET_UNITS.includes(target)) out.push(`${m[1]}=${target}: a failure of this unit keeps the kubelet from starting`);
  }
  return out;
}

export const nodeFileRules: ConsumerRules = {
  consumer: 'node',
  kinds: ['MachineConfig'],
  async validate(obj: KubeObject, ctx: ConsumerContext): Promise<Finding[]> {
    const ign = (await judge(ctx.openshiftVersion, obj)).ignition;
    if (!ign) return [];
    const object = describeObject(obj);
    const out: Finding[] = [];
    for (const f of ign.files.filter((x) => /^\/etc\/modprobe\.d\/.+\.conf$/.test(x.path))) {
      for (const m of modprobeProblems(f.contents))
        out.push({
          consumer: 'kmod',
          rule: 'modprobe-options',
          source: 'modprobe.d(5); linux drivers/vfio/pci/vfio_pci.c vfio_pci_fill_ids',
          object,
          message: `${f.path}: ${m}`,
        });
    }
    for (const u of ign.units) {
      for (const text of [u.contents ?? '', ...u.dropins.map((d) => d.contents)]) {
        for (const m of blocksKubelet(text)) {
          out.push({
            consumer: 'systemd',
            rule: 'unit-blocks-kubelet',
            source: 'systemd.unit(5) RequiredBy=; openshift/machine-config-operator templates/*/01-*-kubelet/_base/units/kubelet.service.yaml',
            object,
            message: `${u.name}: ${m}`,
          });
        }
      }
    }
    return out;
  },
};
