// The install path end to end, on a private control plane: the real `kubectl apply -k manifests/`
// (server-side, and a server-side dry run first), then the built operator as a process
// authenticated as its own ServiceAccount (a TokenRequest token — not the admin), with leader
// election in its namespace exactly as the Deployment runs it. It must converge every eligible
// asset and delete the tombstoned objects with no 403. The negative tests take one verb away from
// the generated ClusterRole (patch on a managed kind, delete on the tombstoned kind) and show the
// same convergence check catches the 403 — so this suite can fail when the role is short. Last, the
// off-switch as the ServiceAccount: every asset but the HCO turned off is deleted (or released), with
// no 403, and delete is denied on the kinds the operator never creates.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { startControlPlane, type ControlPlane } from '../localcluster/controlplane.js';
import { crdDir, installCrds, loadCrds } from '../localcluster/crds.js';
import { repoPath } from '../scripts/repo.js';
import { loadCatalog, type Catalog } from '../operator/catalog/catalog.js';
import { managedObjects } from '../operator/controller/release-all.js';
import { KubeClient } from '../operator/kube/client.js';
import { ANNOTATIONS, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../operator/vocabulary/annotations.js';
import { projectCrd, type CrdInfo } from '../operator/vocabulary/crd-info.js';
import { describeObject, type KubeObject } from '../operator/vocabulary/object.js';
import { pathOf } from '../operator/vocabulary/resource.js';
import { VERSION } from '../operator/version.js';
import { localOperatorArgs, OperatorProcess } from '../localcluster/operator-process.js';
import {
  checkConvergence,
  HCO_NAME,
  HCO_NAMESPACE,
  kubectl,
  OPERATOR_NAMESPACE,
  OPERATOR_SA,
  seedCluster,
  seedTombstones,
  serviceAccountKubeconfig,
  type Convergence,
} from './support/install-cluster.js';

const MANIFESTS = repoPath('manifests');
const POD_NAME = 'virt-platform-operator-5d8f9c7b6-e2e01';

type Rule = { apiGroups?: string[]; resources?: string[]; nonResourceURLs?: string[]; resourceNames?: string[]; verbs: string[] };
type Probe = { httpGet: { path: string; port: string } };
interface PodSpec {
  serviceAccountName: string;
  priorityClassName?: string;
  securityContext: { runAsNonRoot: boolean; seccompProfile: { type: string } };
  containers: {
    image: string;
    args: string[];
    env: { name: string; value?: string; valueFrom?: { fieldRef: { fieldPath: string } } }[];
    securityContext: unknown;
    livenessProbe: Probe;
    readinessProbe: Probe;
    resources: { requests: { cpu?: string; memory?: string }; limits: { memory?: string } };
  }[];
}

describe('install: kubectl apply -k manifests/, then the operator as its own ServiceAccount', () => {
  let cp: ControlPlane;
  let work: string;
  let catalog: Catalog;
  let crds: Map<string, CrdInfo>;
  const procs: OperatorProcess[] = [];
  let converged: Convergence | undefined;

  before(async () => {
    cp = await startControlPlane();
    const crdObjects = loadCrds(crdDir());
    await installCrds(cp.admin, crdObjects);
    crds = new Map(crdObjects.map((c) => [c.metadata!.name!, projectCrd(c)]));
    catalog = loadCatalog(repoPath('assets'));
    work = mkdtempSync(join(tmpdir(), 'vpo-install-e2e-'));
  });
  after(async () => {
    for (const p of procs) await p.stop();
    await cp?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** The operator exactly as the Deployment runs it, but with this kubeconfig and local ports. */
  const startOperator = async (kubeconfig: string): Promise<{ p: OperatorProcess; debug: number; health: number }> => {
    const { health, debug, args } = await localOperatorArgs({ kubeconfig, namespace: HCO_NAMESPACE, metricsSecure: true });
    const p = new OperatorProcess([...args, '--leader-elect', '--log-level', 'debug'], { POD_NAME, POD_NAMESPACE: OPERATOR_NAMESPACE });
    procs.push(p);
    await p.waitForLog(/acquired the lease/, 30_000);
    return { p, debug, health };
  };

  it('kustomize builds the manifests: restricted pod security, the generated role, no wildcard', async () => {
    const built = await kubectl(cp, ['kustomize', MANIFESTS]);
    assert.equal(built.code, 0, built.stderr);
    const docs = yaml.loadAll(built.stdout) as KubeObject[];
    assert.deepEqual(docs.map((d) => `${d.kind}/${d.metadata?.name}`).sort(), [
      'ClusterRole/virt-platform-operator',
      'ClusterRole/virt-platform-operator-metrics-reader',
      'ClusterRoleBinding/virt-platform-operator',
      'Deployment/virt-platform-operator',
      'Namespace/virt-platform-operator',
      'Role/virt-platform-operator-leader-election',
      'Role/virt-platform-operator-prometheus',
      'RoleBinding/virt-platform-operator-leader-election',
      'RoleBinding/virt-platform-operator-prometheus',
      'ServiceAccount/virt-platform-operator',
    ]);
    // The metrics Service is the operator's own asset (assets/monitoring), not a manifest.
    const ns = docs.find((d) => d.kind === 'Namespace')!;
    assert.equal(ns.metadata?.labels?.['openshift.io/cluster-monitoring'], 'true');
    const role = docs.find((d) => d.kind === 'ClusterRole') as KubeObject & { rules: Rule[] };
    const generated = yaml.load(readFileSync(join(MANIFESTS, 'rbac', 'role.yaml'), 'utf8')) as { rules: Rule[] };
    assert.deepEqual(role.rules, generated.rules, "the ClusterRole is rbac-gen's, untouched by kustomize");
    for (const d of docs.filter((x) => x.kind === 'ClusterRole' || x.kind === 'Role')) {
      for (const r of (d as unknown as { rules: Rule[] }).rules)
        assert.ok(
          ![...(r.apiGroups ?? []), ...(r.resources ?? []), ...(r.nonResourceURLs ?? []), ...r.verbs].includes('*'),
          `no wildcard in ${d.kind}: ${JSON.stringify(r)}`,
        );
    }
    const dep = docs.find((d) => d.kind === 'Deployment') as KubeObject & { spec: { template: { spec: PodSpec } } };
    const pod = dep.spec.template.spec;
    const c = pod.containers[0]!;
    assert.equal(pod.serviceAccountName, OPERATOR_SA);
    assert.equal(pod.priorityClassName, 'system-cluster-critical');
    assert.equal(c.image, `quay.io/kubevirt/virt-platform-operator:v${VERSION}`, 'the image tag is the version');
    assert.ok(c.args.includes('--metrics-bind-address=:8443') && c.args.includes('--metrics-cert-dir=/etc/virt-platform-operator/metrics-tls'));
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
    assert.deepEqual(c.securityContext, {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    assert.ok(c.args.includes('--leader-elect'));
    assert.deepEqual(
      c.env.filter((e) => e.valueFrom).map((e) => `${e.name}=${e.valueFrom?.fieldRef.fieldPath}`),
      ['POD_NAME=metadata.name', 'POD_NAMESPACE=metadata.namespace'],
    );
    assert.equal(c.livenessProbe.httpGet.path, '/healthz');
    assert.equal(c.readinessProbe.httpGet.path, '/readyz');
    assert.equal(c.livenessProbe.httpGet.port, 'health');
    assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory);
  });

  it('kubectl apply -k --server-side: a server-side dry run is accepted (once the namespace exists), then the real apply, with no PodSecurity warning', async () => {
    // A dry run stores nothing, so on an empty cluster every namespaced object is refused for want
    // of its namespace — and nothing else is refused.
    const first = await kubectl(cp, ['apply', '-k', MANIFESTS, '--server-side', '--dry-run=server']);
    assert.equal(first.code, 1);
    assert.match(first.stdout, /namespace\/virt-platform-operator serverside-applied \(server dry run\)/);
    assert.match(first.stdout, /clusterrole\.rbac\.authorization\.k8s\.io\/virt-platform-operator serverside-applied \(server dry run\)/);
    const errors = first.stderr.split('\n').filter((l) => l.trim());
    assert.ok(errors.length > 0 && errors.every((l) => l.includes('namespaces "virt-platform-operator" not found')), first.stderr);
    assert.equal(await cp.admin.getOrUndefined(`/api/v1/namespaces/${OPERATOR_NAMESPACE}`), undefined, 'a dry run stores nothing');
    // So the namespace first (as documented), then the whole set dry-runs cleanly.
    const ns = await kubectl(cp, ['apply', '--server-side', '-f', join(MANIFESTS, 'namespace.yaml')]);
    assert.equal(ns.code, 0, ns.stderr);

    const dry = await kubectl(cp, ['apply', '-k', MANIFESTS, '--server-side', '--dry-run=server']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(dry.stdout.match(/serverside-applied \(server dry run\)/g)?.length, 10, dry.stdout);
    assert.equal(await cp.admin.getOrUndefined(`/apis/apps/v1/namespaces/${OPERATOR_NAMESPACE}/deployments/virt-platform-operator`), undefined);

    const real = await kubectl(cp, ['apply', '-k', MANIFESTS, '--server-side']);
    assert.equal(real.code, 0, real.stderr);
    assert.doesNotMatch(real.stderr, /PodSecurity|violate/i, 'the Deployment meets the restricted Pod Security Standard');
    assert.equal(real.stdout.match(/serverside-applied/g)?.length, 10, real.stdout);
    const dep = await cp.admin.get(`/apis/apps/v1/namespaces/${OPERATOR_NAMESPACE}/deployments/virt-platform-operator`);
    assert.equal(dep.metadata?.labels?.['app.kubernetes.io/part-of'], 'virt-platform-operator');
    const again = await kubectl(cp, ['apply', '-k', MANIFESTS, '--server-side', '--dry-run=server']);
    assert.equal(again.code, 0, again.stderr);
  });

  it('converges every eligible asset and deletes the tombstoned objects as the operator ServiceAccount, with no 403 in its logs', async () => {
    const seeded = await seedCluster(cp.admin, catalog, crds);
    const tombstones = await seedTombstones(cp.admin, catalog, crds);
    const kubeconfig = await serviceAccountKubeconfig(cp, work);
    // The token really is the ServiceAccount, not an admin: it may not read Secrets.
    const asSa = KubeClient.fromKubeconfigFile(kubeconfig);
    const review = await asSa.create<KubeObject & { status: { allowed: boolean } }>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { resource: 'secrets', verb: 'list' } },
    });
    assert.equal(review.status.allowed, false);
    // Delete is granted on the tombstoned objects by name, and on nothing else of their kind.
    for (const t of tombstones) {
      const crd = [...crds.values()].find((c) => `${c.group}/${c.storageVersion}` === t.apiVersion && c.kind === t.kind);
      const may = async (name: string): Promise<boolean> =>
        (
          await asSa.create<KubeObject & { status: { allowed: boolean } }>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: { group: crd?.group ?? '', resource: crd?.plural ?? '', verb: 'delete', name, namespace: t.metadata?.namespace } },
          })
        ).status.allowed;
      assert.equal(await may(t.metadata!.name!), true, `may delete tombstoned ${t.kind} ${t.metadata?.name}`);
      // A kind the operator creates is prunable (the off-switch deletes what it created): delete on
      // the kind. Any other tombstoned kind: its tombstones' names only.
      const prunable = catalog.assets.some((a) => a.kind === t.kind && a.kind !== 'HyperConverged');
      assert.equal(await may('00-worker'), prunable, `${prunable ? 'may' : 'may not'} delete any other ${t.kind}`);
    }
    asSa.close();

    const { p, debug, health } = await startOperator(kubeconfig);
    const report = await checkConvergence({ admin: cp.admin, proc: p, debugPort: debug, catalog, crds, tombstones, timeoutMs: 90_000 });
    process.stderr.write(
      `install e2e: namespaces ${seeded.namespaces.join(', ')}; ${report.converged.length}/${report.eligible.length} eligible assets converged ` +
        `(${catalog.assets.length} in the catalog): ${report.converged.join(', ')}; tombstones deleted: ` +
        `${tombstones.map((t) => `${t.kind}/${t.metadata?.name}`).join(', ') || '(none)'}\n`,
    );
    assert.deepEqual(report.problems, []);
    assert.ok(report.ok);
    assert.ok(report.eligible.length >= Math.ceil(catalog.assets.length / 2), `most assets are eligible on this cluster (${report.eligible.length})`);
    assert.equal((await fetch(`http://127.0.0.1:${health}/readyz`)).status, 200);
    const lease = await cp.admin.get<KubeObject & { spec: { holderIdentity: string } }>(
      `/apis/coordination.k8s.io/v1/namespaces/${OPERATOR_NAMESPACE}/leases/virt-platform-operator-leader`,
    );
    assert.equal(lease.spec.holderIdentity, POD_NAME, 'the Lease in the operator namespace, held under the downward-API pod name');
    assert.equal(await p.stop(), 0, "SIGTERM: clean exit (the Lease is released with the Role's update)");
    assert.equal(
      p.count((l) => /could not release the lease/.test(l.message ?? '')),
      0,
    );
    converged = report;
  });

  /**
   * Applies a copy of manifests/ whose generated ClusterRole lacks one verb on one resource (the
   * real install path), waits until the authorizer denies it, and returns a ServiceAccount kubeconfig.
   */
  const installWithout = async (verb: string, group: string, resource: string, name?: string): Promise<string> => {
    const role = yaml.load(readFileSync(join(MANIFESTS, 'rbac', 'role.yaml'), 'utf8')) as KubeObject & { rules: Rule[] };
    const rule = role.rules.find((r) => (r.apiGroups ?? []).includes(group) && (r.resources ?? []).includes(resource) && r.verbs.includes(verb));
    assert.ok(rule, `the generated role grants ${verb} on ${resource}`);
    rule.verbs = rule.verbs.filter((v) => v !== verb);
    // A rule needs a verb: one that had only this one goes altogether.
    role.rules = role.rules.filter((r) => r.verbs.length > 0);
    const broken = join(work, `manifests-without-${verb}-${resource}`);
    cpSync(MANIFESTS, broken, { recursive: true });
    writeFileSync(join(broken, 'rbac', 'role.yaml'), yaml.dump(role));
    const applied = await kubectl(cp, ['apply', '-k', broken, '--server-side']);
    assert.equal(applied.code, 0, applied.stderr);

    const kubeconfig = await serviceAccountKubeconfig(cp, work);
    const asSa = KubeClient.fromKubeconfigFile(kubeconfig);
    try {
      // RBAC changes reach the authorizer through its informer: wait until the verb is denied.
      const namespaced = [...crds.values()].find((c) => c.group === group && c.plural === resource)?.namespaced ?? false;
      const deadline = Date.now() + 10_000;
      for (;;) {
        const r = await asSa.create<KubeObject & { status: { allowed: boolean } }>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { group, resource, verb, name, namespace: namespaced ? 'default' : undefined } },
        });
        if (!r.status.allowed) break;
        assert.ok(Date.now() < deadline, 'the reduced role takes effect');
        await new Promise((res) => setTimeout(res, 100));
      }
    } finally {
      asSa.close();
    }
    return kubeconfig;
  };

  const restoreRole = async (): Promise<void> => {
    const r = await kubectl(cp, ['apply', '-k', MANIFESTS, '--server-side']);
    assert.equal(r.code, 0, r.stderr);
  };

  it('negative: with patch removed from one managed kind, the same check reports the 403 and fails', async () => {
    assert.ok(converged, 'needs the converged cluster of the previous test');
    // The victim: the first converged asset's kind other than the HyperConverged.
    const victimAsset = catalog.assets.find((a) => converged!.converged.includes(a.name) && a.kind !== 'HyperConverged');
    assert.ok(victimAsset, 'some converged asset besides the HyperConverged');
    const crd = [...crds.values()].find((c) => c.kind === victimAsset.kind);
    assert.ok(crd, `${victimAsset.kind} is a custom kind`);
    const kubeconfig = await installWithout('patch', crd.group, crd.plural);
    try {
      const { p, debug } = await startOperator(kubeconfig);
      const report = await checkConvergence({ admin: cp.admin, proc: p, debugPort: debug, catalog, crds, timeoutMs: 60_000 });
      await p.stop();
      process.stderr.write(`install e2e (negative, no patch on ${crd.plural}): problems reported:\n  ${report.problems.join('\n  ')}\n`);
      assert.equal(report.ok, false, 'the convergence check fails');
      const forbidden = report.problems.filter((l) => /\b403\b|forbidden/i.test(l));
      assert.ok(forbidden.length > 0, 'it names the 403');
      assert.ok(
        forbidden.some((l) => l.includes(`asset ${victimAsset.name}`) && l.includes(crd.plural)),
        `the 403 is about asset ${victimAsset.name} and ${crd.plural}: ${forbidden.join(' | ')}`,
      );
      // Only the assets of that kind fail; every other asset still converges.
      const others = converged.converged.filter((a) => catalog.assets.find((x) => x.name === a)?.kind !== victimAsset.kind);
      assert.deepEqual(
        others.filter((a) => !report.converged.includes(a)),
        [],
        'assets of other kinds are unaffected',
      );
    } finally {
      await restoreRole();
    }
  });

  it('negative: with delete removed from the tombstoned kind, the same check reports the 403 and fails', async (t) => {
    const tombstones = await seedTombstones(cp.admin, catalog, crds);
    if (tombstones.length === 0) {
      t.skip('assets/tombstones is empty');
      return;
    }
    const victim = tombstones[0]!;
    const crd = [...crds.values()].find((c) => c.kind === victim.kind && `${c.group}/${c.storageVersion}` === victim.apiVersion);
    const group = crd?.group ?? '';
    const resource = crd?.plural ?? `${victim.kind!.toLowerCase()}s`;
    const kubeconfig = await installWithout('delete', group, resource, victim.metadata?.name);
    try {
      const { p, debug } = await startOperator(kubeconfig);
      const report = await checkConvergence({ admin: cp.admin, proc: p, debugPort: debug, catalog, crds, tombstones, timeoutMs: 60_000 });
      await p.stop();
      process.stderr.write(
        `install e2e (negative, no delete on ${resource}): problems reported:\n  ${report.problems.map((l) => l.slice(0, 300)).join('\n  ')}\n`,
      );
      assert.equal(report.ok, false, 'the convergence check fails');
      assert.ok(
        report.problems.some((l) => /\b403\b|forbidden/i.test(l) && l.includes(resource)),
        'it names the 403 on the delete',
      );
      assert.ok(
        report.problems.some((l) => l.includes(`${resource}/${victim.metadata?.name}`)),
        'about the tombstoned object',
      );
    } finally {
      await restoreRole();
    }
  });

  it('turns assets off as the ServiceAccount: deletes what it created and releases what it adopted, with no 403; delete on nothing else', async () => {
    assert.ok(converged, 'needs the converged cluster of the first test');
    const kubeconfig = await serviceAccountKubeconfig(cp, work);
    const { p, debug } = await startOperator(kubeconfig);
    const again = await checkConvergence({ admin: cp.admin, proc: p, debugPort: debug, catalog, crds, timeoutMs: 60_000 });
    assert.deepEqual(again.problems, []);
    const objects = (await managedObjects(cp.admin, catalog, [], [], crds)).filter((o) => o.object.kind !== 'HyperConverged');
    assert.ok(objects.length >= 5, `objects to turn off: ${objects.length}`);
    // One of them as if it had existed before the operator: it must be released, not deleted.
    const adopted = objects.find((o) => o.object.kind === 'ConfigMap' || o.object.kind === 'Service') ?? objects[0]!;
    await cp.admin.mergePatch(pathOf(adopted.resource, adopted.object), { metadata: { annotations: { [ANNOTATIONS.ownership]: 'adopted' } } }, 'test-admin');
    await cp.admin.mergePatch(
      `/apis/hco.kubevirt.io/v1/namespaces/${HCO_NAMESPACE}/hyperconvergeds/${HCO_NAME}`,
      { metadata: { annotations: { [ANNOTATIONS.autopilot]: 'hco-golden-config' } } },
      'test-admin',
    );
    const state = async (o: (typeof objects)[number]): Promise<'removed' | 'released' | 'managed'> => {
      const live = await cp.admin.getOrUndefined(pathOf(o.resource, o.object));
      if (!live || live.metadata?.deletionTimestamp) return 'removed';
      return live.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE ? 'managed' : 'released';
    };
    const deadline = Date.now() + 60_000;
    let left: string[] = [];
    for (;;) {
      left = [];
      for (const o of objects) {
        const want = o === adopted ? 'released' : 'removed';
        const got = await state(o);
        if (got !== want) left.push(`${describeObject(o.object)}: ${got}, want ${want}`);
      }
      if (left.length === 0 || Date.now() > deadline || p.raw.some((l) => /\b403\b|forbidden/i.test(l))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await p.stop();
    const forbidden = p.raw.filter((l) => /\b403\b|forbidden/i.test(l));
    process.stderr.write(`install e2e (off-switch as the ServiceAccount): ${objects.length - 1} removed, 1 released; left: ${left.join('; ') || 'none'}\n`);
    assert.deepEqual(forbidden, [], 'no 403');
    assert.deepEqual(left, []);
    // And not more: delete is denied on every kind the operator never creates.
    const asSa = KubeClient.fromKubeconfigFile(kubeconfig);
    try {
      const may = async (group: string, resource: string, namespace?: string): Promise<boolean> =>
        (
          await asSa.create<KubeObject & { status: { allowed: boolean } }>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: { group, resource, verb: 'delete', namespace } },
          })
        ).status.allowed;
      for (const [group, resource, ns] of [
        ['hco.kubevirt.io', 'hyperconvergeds', HCO_NAMESPACE],
        ['', 'secrets', HCO_NAMESPACE],
        ['', 'nodes', undefined],
        ['', 'namespaces', undefined],
        ['', 'pods', HCO_NAMESPACE],
        ['machineconfiguration.openshift.io', 'machineconfigpools', undefined],
        ['apiextensions.k8s.io', 'customresourcedefinitions', undefined],
      ] as const)
        assert.equal(await may(group, resource, ns), false, `may not delete ${resource}`);
      for (const o of objects)
        assert.equal(await may(o.resource.group, o.resource.plural, o.object.metadata?.namespace), true, `may delete ${o.resource.plural}`);
    } finally {
      asSa.close();
    }
  });
});
