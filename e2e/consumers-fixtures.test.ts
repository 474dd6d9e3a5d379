// The validator has teeth: a deliberately broken object per rule makes the consumer that owns the
// rule report it. If a consumer check stops catching its fixture, this fails. Every Machine
// Config Operator rule encoded in envtest/go/consumers (its module cannot be imported) has its own
// case here, on the releases where it holds and not on the others.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { CONSUMER_RULES, rulesFor } from './consumers/registry.js';
import type { ConsumerContext, Finding } from './consumers/types.js';

const dataUrl = (text: string): string => `data:;base64,${Buffer.from(text).toString('base64')}`;

function mc(name: string, spec: Record<string, unknown>, role = 'worker'): KubeObject {
  return {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfig',
    metadata: { name, labels: role ? { 'machineconfiguration.openshift.io/role': role } : {} },
    spec,
  };
}
const ign = (config: Record<string, unknown>, version = '3.2.0'): Record<string, unknown> => ({ config: { ignition: { version }, ...config } });
const unit = (name: string, contents: string, enabled = true): Record<string, unknown> => ign({ systemd: { units: [{ name, enabled, contents }] } });
const file = (path: string, contents: string, mode = 420): Record<string, unknown> =>
  ign({ storage: { files: [{ path, mode, contents: { source: dataUrl(contents) } }] } });

function kc(name: string, kubeletConfig: Record<string, unknown>, extra: Record<string, unknown> = {}, role = 'worker'): KubeObject {
  return {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'KubeletConfig',
    metadata: { name },
    spec: { machineConfigPoolSelector: { matchLabels: { [`pools.operator.machineconfiguration.openshift.io/${role}`]: '' } }, kubeletConfig, ...extra },
  };
}

async function findings(obj: KubeObject, version: string, others: KubeObject[] = []): Promise<Finding[]> {
  const objects = [obj, ...others];
  const ctx: ConsumerContext = {
    openshiftVersion: version,
    hco: { apiVersion: 'hco.kubevirt.io/v1', kind: 'HyperConverged', metadata: { name: 'h' } },
    objects,
  };
  const out: Finding[] = [];
  for (const r of rulesFor(obj.kind)) out.push(...(await r.validate(obj, ctx)));
  return out;
}

async function expectRule(obj: KubeObject, version: string, rule: string, message?: RegExp, others: KubeObject[] = []): Promise<void> {
  const f = await findings(obj, version, others);
  const hit = f.filter((x) => x.rule === rule && (!message || message.test(x.message)));
  assert.ok(
    hit.length > 0,
    `expected ${rule}${message ? ` ${message}` : ''} on OpenShift ${version}; got: ${JSON.stringify(
      f.map((x) => `${x.rule}: ${x.message}`),
      null,
      1,
    )}`,
  );
  for (const h of hit) assert.ok(h.source.length > 10 && h.consumer && h.object.includes(obj.metadata!.name!), 'a finding names its source and object');
}

async function expectClean(obj: KubeObject, version: string, others: KubeObject[] = []): Promise<void> {
  assert.deepEqual(
    (await findings(obj, version, others)).map((x) => `${x.rule}: ${x.message}`),
    [],
  );
}

const GOOD_UNIT = '[Unit]\nDescription=ok\n[Service]\nType=oneshot\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n';
/** GOOD_UNIT running another command (a function replacement: "$$" must reach the unit as typed). */
const running = (exec: string): string => GOOD_UNIT.replace('ExecStart=/bin/true', () => exec);

describe('broken fixtures: every consumer rule catches its defect', () => {
  it('the registry judges MachineConfigs and KubeletConfigs', () => {
    assert.ok(CONSUMER_RULES.some((r) => r.kinds.includes('MachineConfig')) && CONSUMER_RULES.some((r) => r.kinds.includes('KubeletConfig')));
  });

  it('a clean MachineConfig and KubeletConfig pass (the rules are not trigger-happy)', async () => {
    await expectClean(mc('90-worker-ok', { ...unit('ok.service', GOOD_UNIT), kernelArguments: ['psi=1'] }), '4.21');
    await expectClean(kc('ok', { nodeStatusMaxImages: -1, maxPods: 500 }, { autoSizingReserved: true }), '4.21');
  });

  describe('Ignition (coreos/ignition parser and validator)', () => {
    it('an Ignition spec newer than the MCO of the release parses', async () => {
      await expectRule(mc('90-worker-v35', ign({}, '3.5.0')), '4.17', 'ignition-version', /up to 3\.4/);
      await expectClean(mc('90-worker-v35', ign({}, '3.5.0')), '4.19');
      await expectRule(mc('90-worker-v9', ign({}, '9.9.0')), '4.21', 'ignition-version');
    });
    it('an undecodable data URL', async () => {
      await expectRule(
        mc('90-worker-url', ign({ storage: { files: [{ path: '/etc/x', mode: 420, contents: { source: 'data:;base64,@@@' } }] } })),
        '4.21',
        'ignition-error',
        /invalid/,
      );
    });
    it('an unknown key is reported (Ignition ignores it)', async () => {
      await expectRule(mc('90-worker-key', ign({ storage: { filez: [] } })), '4.21', 'ignition-warning', /unused key filez/);
    });
  });

  describe('Machine Config Operator rules (encoded, cited)', () => {
    it('mc-file-mode: special bits (validateIgn3FileModes)', async () => {
      await expectRule(mc('90-worker-mode', file('/etc/x', 'x', 0o4755), 'worker'), '4.21', 'mc-file-mode');
    });
    it('mc-kernel-type: an unknown kernelType (ValidateMachineConfig)', async () => {
      await expectRule(mc('90-worker-kt', { kernelType: 'turbo' }), '4.21', 'mc-kernel-type');
    });
    it('mc-role-label: no pool selects a MachineConfig without the role label', async () => {
      await expectRule(mc('90-nobody', { kernelArguments: ['psi=1'] }, ''), '4.21', 'mc-role-label');
    });
    it('kubeletconfig-pool-selector: a KubeletConfig without a pool selector', async () => {
      await expectRule({ ...kc('nopool', {}), spec: { kubeletConfig: { maxPods: 300 } } }, '4.21', 'kubeletconfig-pool-selector');
    });
    it('kubeletconfig-no-swap-fields: failSwapOn / swapBehavior refused from 4.21 only (defect 1)', async () => {
      const swap = kc('swap', { failSwapOn: false, memorySwap: { swapBehavior: 'LimitedSwap' } });
      await expectRule(swap, '4.21', 'kubeletconfig-no-swap-fields', /failSwapOn/);
      await expectRule(swap, '4.21', 'kubeletconfig-no-swap-fields', /swapBehavior/);
      assert.ok(!(await findings(kc('swap', { failSwapOn: false }), '4.19')).some((f) => f.rule === 'kubeletconfig-no-swap-fields'));
    });
    it('kubeletconfig-forbidden-field: cgroupDriver, clusterDNS, clusterDomain, featureGates, staticPodPath', async () => {
      for (const [field, value] of Object.entries({
        cgroupDriver: 'cgroupfs',
        clusterDNS: ['10.0.0.10'],
        clusterDomain: 'x.local',
        featureGates: { Foo: true },
        staticPodPath: '/tmp',
      })) {
        await expectRule(kc(`forbidden-${field.toLowerCase()}`, { [field]: value }), '4.17', 'kubeletconfig-forbidden-field', new RegExp(field));
      }
    });
    it('kubeletconfig-reserved: autoSizingReserved with systemReserved', async () => {
      await expectRule(kc('reserved', { systemReserved: { cpu: '500m' } }, { autoSizingReserved: true }), '4.19', 'kubeletconfig-reserved');
    });
    it('kubeletconfig-log-level: outside [1,10]', async () => {
      await expectRule(kc('loglevel', {}, { logLevel: 11 }), '4.21', 'kubeletconfig-log-level');
    });
    it('kubeletconfig-one-per-pool: two KubeletConfigs on one pool, only one takes effect', async () => {
      await expectRule(kc('a', { maxPods: 300 }), '4.21', 'kubeletconfig-one-per-pool', /pool worker/, [kc('b', { maxPods: 400 })]);
    });
    it('kubelet-dropin-unread: /etc/openshift/kubelet.conf.d before 4.21 and on the master pool', async () => {
      const dropin = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nmaxPods: 300\n';
      await expectRule(mc('90-worker-dropin', file('/etc/openshift/kubelet.conf.d/90-x.conf', dropin)), '4.19', 'kubelet-dropin-unread');
      await expectRule(
        mc('90-master-dropin', file('/etc/openshift/kubelet.conf.d/90-x.conf', dropin), 'master'),
        '4.21',
        'kubelet-dropin-unread',
        /master pool/,
      );
      await expectClean(mc('90-worker-dropin', file('/etc/openshift/kubelet.conf.d/90-x.conf', dropin)), '4.21');
    });
  });

  describe('kubelet (config scheme, strict decoding, ValidateKubeletConfiguration)', () => {
    it('an invalid value', async () => {
      await expectRule(kc('badvalue', { topologyManagerPolicy: 'sometimes' }), '4.21', 'kubelet-validate', /topologyManagerPolicy/i);
      await expectRule(kc('badimages', { nodeStatusMaxImages: -5 }), '4.19', 'kubelet-validate', /nodeStatusMaxImages/);
    });
    it('a misspelt field, silently dropped by the MCO', async () => {
      await expectRule(kc('typo', { maxpods: 300 }), '4.21', 'kubelet-strict-decode', /maxpods/);
    });
    it('memorySwap before 4.21: the kubelet refuses it while OpenShift keeps NodeSwap off', async () => {
      await expectRule(kc('swap', { memorySwap: { swapBehavior: 'LimitedSwap' } }), '4.17', 'kubelet-validate', /NodeSwap/);
      await expectRule(kc('swap', { memorySwap: { swapBehavior: 'LimitedSwap' } }), '4.19', 'kubelet-validate', /NodeSwap/);
    });
    it('a kubelet drop-in: must be a complete document, with valid values', async () => {
      await expectRule(mc('90-worker-dropin-kind', file('/etc/openshift/kubelet.conf.d/90-x.conf', 'maxPods: 300\n')), '4.21', 'kubelet-dropin-decode');
      const bad = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nmemorySwap:\n  swapBehavior: Sometimes\n';
      await expectRule(mc('90-worker-dropin-bad', file('/etc/openshift/kubelet.conf.d/90-x.conf', bad)), '4.21', 'kubelet-validate', /swapBehavior/);
      await expectRule(
        mc('90-worker-dropin-suffix', file('/etc/openshift/kubelet.conf.d/90-x.yaml', bad.replace('Sometimes', 'LimitedSwap'))),
        '4.21',
        'kubelet-dropin-suffix',
      );
    });
  });

  describe('systemd and the shell', () => {
    it('bad unit syntax (systemd-analyze verify)', async () => {
      await expectRule(
        mc('90-worker-unit', unit('bad.service', GOOD_UNIT.replace('Type=oneshot', 'Type=oneshot\nRestartt=always'))),
        '4.21',
        'unit-verify',
        /Unknown key 'Restartt'/,
      );
      await expectRule(
        mc('90-worker-prog', unit('prog.service', GOOD_UNIT.replace('/bin/true', '/usr/local/bin/not-written'))),
        '4.21',
        'unit-verify',
        /not-written/,
      );
    });
    it('an enabled unit without [Install]', async () => {
      await expectRule(
        mc('90-worker-noinstall', unit('noinstall.service', '[Unit]\nDescription=x\n[Service]\nType=oneshot\nExecStart=/bin/true\n')),
        '4.21',
        'unit-verify',
        /no \[Install\]/,
      );
    });
    it('bad shell in ExecStart=/bin/sh -c, after systemd has resolved $$ and ${VAR}', async () => {
      await expectRule(mc('90-worker-sh', unit('sh.service', running("ExecStart=/bin/sh -c 'if true; then echo; fi fi'"))), '4.21', 'shell-syntax');
      // "$${X}" reaches the shell as ${X}; a bare ${X} is systemd's and vanishes when unset.
      await expectClean(mc('90-worker-sh-ok', unit('sh.service', running("ExecStart=/bin/sh -c 'case $${X} in *) echo $$(( 1 + 1 )) %n;; esac'"))), '4.21');
      await expectRule(mc('90-worker-sh-env', unit('sh.service', running("ExecStart=/bin/sh -c 'case ${X} in *) true;; esac'"))), '4.21', 'shell-syntax');
    });
    it('bad shell in a script file the config writes', async () => {
      await expectRule(mc('90-worker-script', file('/usr/local/bin/x', '#!/bin/sh\ncase x in\n', 493)), '4.21', 'shell-syntax');
    });
    it('a unit the kubelet requires (a failure keeps the kubelet down on every boot)', async () => {
      await expectRule(
        mc('90-worker-req', unit('req.service', GOOD_UNIT.replace('WantedBy=multi-user.target', 'RequiredBy=kubelet-dependencies.target'))),
        '4.21',
        'unit-blocks-kubelet',
      );
    });
  });

  describe('kernel arguments and module options', () => {
    it('an empty value, a misspelt parameter, a bad value, a duplicate across one pool', async () => {
      await expectRule(mc('90-worker-empty', { kernelArguments: ['vfio-pci.ids='] }), '4.21', 'kernel-arg-empty');
      await expectRule(mc('90-worker-typo', { kernelArguments: ['intel_iomu=on'] }), '4.21', 'kernel-arg-unknown');
      await expectRule(mc('90-worker-value', { kernelArguments: ['iommu=always'] }), '4.21', 'kernel-arg-value');
      await expectRule(mc('90-worker-a', { kernelArguments: ['iommu=pt'] }), '4.21', 'kernel-arg-duplicate', /90-worker-b/, [
        mc('90-worker-b', { kernelArguments: ['iommu=pt'] }),
      ]);
      await expectClean(mc('90-worker-a', { kernelArguments: ['iommu=pt'] }), '4.21', [mc('90-master-b', { kernelArguments: ['iommu=pt'] }, 'master')]);
    });
    it('an empty module option or vfio-pci id (defect 6: "ids=" binds nothing and still reboots)', async () => {
      await expectRule(mc('90-worker-ids', file('/etc/modprobe.d/v.conf', 'options vfio-pci ids=\n')), '4.21', 'modprobe-options', /empty value/);
      await expectRule(mc('90-worker-ids2', file('/etc/modprobe.d/v.conf', 'options vfio-pci ids=10de:1eb8,\n')), '4.21', 'modprobe-options', /empty entry/);
    });
  });
});
