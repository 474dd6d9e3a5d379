// Every shell example of docs/user-guide.md, run in order with the real kubectl against a private
// control plane where the operator runs the real catalog, and the effect each one promises checked.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startControlPlane, type ControlPlane } from '../localcluster/controlplane.js';
import { crdDir, installCrds, loadCrds } from '../localcluster/crds.js';
import { repoPath } from '../scripts/repo.js';
import { KubeClient } from '../operator/kube/client.js';
import { Operator } from '../operator/operator.js';
import { eventually } from './support/operator-fixture.js';
import { OPERATOR_BIN } from '../localcluster/operator-process.js';

const GUIDE = repoPath('docs', 'user-guide.md');
const HCO_PATH = '/apis/hco.kubevirt.io/v1/namespaces/openshift-cnv/hyperconvergeds/kubevirt-hyperconverged';
const KC_PATH = '/apis/machineconfiguration.openshift.io/v1/kubeletconfigs/virt-platform-worker-kubelet';
const KD_PATH = '/apis/operator.openshift.io/v1/namespaces/openshift-kube-descheduler-operator/kubedeschedulers/cluster';

function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('docs/user-guide.md examples', () => {
  let cp: ControlPlane;
  let operator: Operator;
  let client: KubeClient;
  const run = (script: string): Promise<{ code: number; out: string }> =>
    new Promise((resolve) =>
      execFile(
        'bash',
        ['-euo', 'pipefail', '-c', `virt-platform-operator() { node ${OPERATOR_BIN} "$@"; }\n${script}`],
        {
          env: { ...process.env, KUBECONFIG: cp.kubeconfigPath, PATH: `${dirname(cp.binaries.kubectl)}:${process.env.PATH}` },
        },
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, out: stdout + stderr }),
      ),
    );
  const at = async (path: string, field: string): Promise<unknown> =>
    field.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], await cp.admin.get(path));

  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp.admin, loadCrds(crdDir()));
    for (const name of ['openshift-cnv', 'openshift-kube-descheduler-operator']) await cp.admin.create('/api/v1/namespaces', { metadata: { name } });
    await cp.admin.create('/apis/hco.kubevirt.io/v1/namespaces/openshift-cnv/hyperconvergeds', {
      apiVersion: 'hco.kubevirt.io/v1',
      kind: 'HyperConverged',
      metadata: { name: 'kubevirt-hyperconverged', namespace: 'openshift-cnv' },
      spec: {},
    });
    await cp.admin.create('/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'worker-0', labels: { 'node-role.kubernetes.io/worker': '' } },
    });
    client = new KubeClient(cp.kubeconfigForToken(cp.adminToken, 'admin'));
    operator = new Operator({ client, assetsDir: repoPath('assets'), hcoNamespace: 'openshift-cnv' });
    await operator.start();
  });
  after(async () => {
    await operator?.stop();
    client?.close();
    await cp?.stop();
  });

  it('runs every example, in order, with the effect the guide describes', async () => {
    const blocks = shellBlocks(readFileSync(GUIDE, 'utf8'));
    assert.ok(blocks.length >= 7, `found ${blocks.length} examples`);
    const [define, autopilot, optin, logging, disabled, patch, ignore, unmanaged, resume, ...rest] = blocks;
    assert.deepEqual(rest, [], 'every example is checked below; add a check for new ones');
    const prelude = define!;
    const step = async (script: string): Promise<string> => {
      const r = await run(`${prelude}\n${script}`);
      assert.equal(r.code, 0, `example failed:\n${script}\n${r.out}`);
      return r.out;
    };

    await step(autopilot!);
    await eventually('the KubeletConfig of the kubelet group', () => cp.admin.getOrUndefined(KC_PATH), 20_000);
    await eventually('the descheduler', () => cp.admin.getOrUndefined(KD_PATH), 20_000);

    await step(optin!);
    assert.equal((await cp.admin.get(HCO_PATH)).metadata?.annotations?.['platform.kubevirt.io/enable-mtv'], 'true');

    await step(logging!);
    const annotations = (await cp.admin.get(HCO_PATH)).metadata?.annotations ?? {};
    assert.deepEqual(
      ['enable-logging', 'logging-storage-secret', 'logging-storage-class'].map((k) => annotations[`platform.kubevirt.io/${k}`]),
      ['true', 'logging-loki-s3', 'lvms-vg1'],
    );

    await step(disabled!);
    await operator.settle();
    assert.equal(operator.reconciler.reports.get('descheduler-kubevirt')?.reason, 'AssetSkipped', 'the excluded descheduler is skipped');

    await step(patch!);
    await eventually('batchEvictionSize patched to 5', async () => (await at(HCO_PATH, 'spec.virtualization.workloadUpdateStrategy.batchEvictionSize')) === 5);

    await step(ignore!);
    await operator.settle();
    assert.equal(await at(KC_PATH, 'spec.kubeletConfig.nodeStatusMaxImages'), 100, 'the user value stays');

    await step(unmanaged!);
    await operator.settle();
    assert.equal(operator.reconciler.reports.get('descheduler-kubevirt')?.reason, 'AssetSkipped');

    await cp.admin.mergePatch(KC_PATH, { metadata: { annotations: { 'platform.kubevirt.io/reconcile-paused': 'true' } } }, 'kubectl-annotate');
    await step(resume!);
    assert.equal((await cp.admin.get(KC_PATH)).metadata?.annotations?.['platform.kubevirt.io/reconcile-paused'], undefined);

    // The inline commands of "Seeing what the operator does".
    const events = await step('kubectl get events -n openshift-cnv --field-selector involvedObject.name=kubevirt-hyperconverged');
    assert.match(events, /PatchApplied/);
    const explain = await step('virt-platform-operator explain --namespace openshift-cnv');
    assert.match(explain, /^ASSET\s+KIND\/NAME\s+STATUS/);
    assert.match(explain, /hco-golden-config\s+HyperConverged\/openshift-cnv\/kubevirt-hyperconverged\s+in-sync/);
  });

  it('runs the README install commands as written', async () => {
    const readme = readFileSync(repoPath('README.md'), 'utf8');
    const install = shellBlocks(readme.slice(readme.indexOf('## Install on a real cluster')))[0]!;
    assert.match(install, /kubectl apply -k manifests\//);
    await cp.admin.mergePatch(HCO_PATH, { metadata: { annotations: { 'platform.kubevirt.io/autopilot': null } } }, 'kubectl-annotate');
    const r = await run(`cd ${repoPath()}\n${install}`);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /clusterrole\.rbac\.authorization\.k8s\.io\/virt-platform-operator serverside-applied/);
    const again = await run(`cd ${repoPath()}\nkubectl apply -k manifests/ --server-side --dry-run=server`);
    assert.equal(again.code, 0, again.out);
  });
});
