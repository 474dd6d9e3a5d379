import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../vocabulary/object.js';
import { projectPool } from './pool.js';
import { isNodeDisruptingWrite, poolsOf } from './pools-of.js';

const ROLE = 'machineconfiguration.openshift.io/role';
const mcp = (name: string, labels: Record<string, string>, machineConfigSelector: unknown): ReturnType<typeof projectPool> =>
  projectPool({ apiVersion: 'machineconfiguration.openshift.io/v1', kind: 'MachineConfigPool', metadata: { name, labels }, spec: { machineConfigSelector } });

const POOLS = [
  mcp('master', { 'pools.operator.machineconfiguration.openshift.io/master': '' }, { matchLabels: { [ROLE]: 'master' } }),
  mcp('worker', { 'pools.operator.machineconfiguration.openshift.io/worker': '' }, { matchLabels: { [ROLE]: 'worker' } }),
  mcp(
    'worker-cnv',
    { 'pools.operator.machineconfiguration.openshift.io/worker-cnv': '', custom: 'yes' },
    { matchExpressions: [{ key: ROLE, operator: 'In', values: ['worker', 'cnv'] }] },
  ),
  mcp('broken', {}, {}),
];
const names = (obj: KubeObject): string[] => poolsOf(obj, POOLS).map((p) => p.name);
const mc = (role: string): KubeObject => ({
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineConfig',
  metadata: { name: `90-${role}-x`, labels: { [ROLE]: role } },
});
const kc = (selector: unknown): KubeObject => ({
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'KubeletConfig',
  metadata: { name: 'k' },
  spec: { machineConfigPoolSelector: selector },
});

describe('poolsOf: the pools an object lands on', () => {
  it('a MachineConfig lands on every pool whose machineConfigSelector selects its labels (custom pools included)', () => {
    assert.deepEqual(names(mc('worker')), ['worker', 'worker-cnv']);
    assert.deepEqual(names(mc('cnv')), ['worker-cnv']);
    assert.deepEqual(names(mc('master')), ['master']);
    assert.deepEqual(names(mc('infra')), [], 'no pool: it reboots nothing');
    assert.deepEqual(names({ ...mc('worker'), metadata: { name: 'unlabelled' } }), [], 'an empty selector never matches');
  });

  it('a KubeletConfig lands on every pool whose labels its machineConfigPoolSelector selects', () => {
    assert.deepEqual(names(kc({ matchLabels: { 'pools.operator.machineconfiguration.openshift.io/worker': '' } })), ['worker']);
    assert.deepEqual(names(kc({ matchExpressions: [{ key: 'custom', operator: 'Exists' }] })), ['worker-cnv']);
    assert.deepEqual(names(kc(undefined)), [], 'a nil selector selects nothing');
  });

  it('other kinds reboot nothing', () => {
    assert.deepEqual(names({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { [ROLE]: 'worker' } } }), []);
  });

  it('a write is node-disrupting when it creates the object or changes its spec, not for a label repair', () => {
    assert.equal(isNodeDisruptingWrite(undefined, []), true);
    assert.equal(isNodeDisruptingWrite(mc('worker'), ['/spec/kernelArguments/0']), true);
    assert.equal(isNodeDisruptingWrite(mc('worker'), ['/spec']), true);
    assert.equal(isNodeDisruptingWrite(mc('worker'), ['/metadata/labels/platform.kubevirt.io~1managed-by']), false);
    assert.equal(isNodeDisruptingWrite(mc('worker'), ['/specification']), false);
  });
});
