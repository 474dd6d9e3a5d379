// The descheduler asset against each KubeDescheduler CRD that OpenShift shipped (4.17, 4.19, 4.21;
// their spec.profiles enums differ), installed one at a time: the template picks the best
// VM-aware profile the installed CRD offers, the result passes a strict server-side dry-run, and
// a running operator follows a CRD change without a restart. Serial: it replaces a cluster-wide
// CRD, and restores the default one afterwards.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadCatalog } from '../operator/catalog/catalog.js';
import { DETECTORS, type Hardware } from '../operator/catalog/hardware.js';
import type { KubeClient } from '../operator/kube/client.js';
import { projectCrd } from '../operator/vocabulary/crd-info.js';
import { isStatus } from '../operator/kube/errors.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { clusterFacts, type ClusterFacts } from '../operator/render/context.js';
import { familyRenderContext } from '../operator/families/registry.js';
import { Renderer } from '../operator/render/renderer.js';
import { crdDir, installCrds, loadCrds, uninstallCrds } from '../localcluster/crds.js';
import { testCluster } from '../envtest/harness.js';
import { repoPath } from '../scripts/repo.js';
import { eventually, startOperator, type OperatorFixture } from './support/operator-fixture.js';
import { ensureNamespaces } from '../localcluster/namespaces.js';

const CRD_NAME = 'kubedeschedulers.operator.openshift.io';
const NS = 'openshift-kube-descheduler-operator';
const CR_PATH = `/apis/operator.openshift.io/v1/namespaces/${NS}/kubedeschedulers/cluster`;
const ASSETS = repoPath('assets');
const asset = loadCatalog(ASSETS).assets.find((a) => a.name === 'descheduler-kubevirt')!;
const renderer = new Renderer(ASSETS);

/** What each shipped CRD must get, and why (the order of preference KubeVirt documents). */
const EXPECTED: Record<string, { profile: string; customizations: Record<string, unknown>; nodeLimit: boolean }> = {
  '4-17': { profile: 'LongLifecycle', customizations: { devEnableEvictionsInBackground: true }, nodeLimit: false },
  '4-19': {
    profile: 'DevKubeVirtRelieveAndMigrate',
    // No devActualUtilizationProfile: the operator's own default for its release (defect: forcing
    // PrometheusCPUCombined dropped 4.21's CPU+memory signal); no devEnableSoftTainter (ignored).
    customizations: { devDeviationThresholds: 'AsymmetricLow' },
    nodeLimit: false,
  },
  '4-21': {
    profile: 'KubeVirtRelieveAndMigrate',
    // No devActualUtilizationProfile: the operator's own default for its release (defect: forcing
    // PrometheusCPUCombined dropped 4.21's CPU+memory signal); no devEnableSoftTainter (ignored).
    customizations: { devDeviationThresholds: 'AsymmetricLow' },
    nodeLimit: true,
  },
};

const versionsDir = join(crdDir(), 'descheduler-versions');
const versionFile = (v: string): string => {
  const f = readdirSync(versionsDir).find((n) => n.includes(v) && /\.ya?ml$/.test(n));
  assert.ok(f, `no ${v} CRD in ${versionsDir}`);
  return join(versionsDir, f);
};

const HCO: KubeObject = {
  apiVersion: 'hco.kubevirt.io/v1',
  kind: 'HyperConverged',
  metadata: { name: 'kubevirt-hyperconverged', namespace: 'openshift-cnv' },
  spec: { virtualization: { liveMigrationConfig: { parallelMigrationsPerCluster: 4, parallelOutboundMigrationsPerNode: 2 } } },
};

async function installOnly(client: KubeClient, crd: KubeObject): Promise<void> {
  await uninstallCrds(client, [CRD_NAME]);
  await installCrds(client, [crd]);
}

/** A freshly installed CRD can take a moment to serve its resource: retry 404s briefly. */
async function applyDryRun(client: KubeClient, obj: KubeObject): Promise<KubeObject> {
  return eventually(
    'the new CRD serving its resource',
    async () => {
      try {
        return await client.apply(CR_PATH, obj, { dryRun: true, strict: true });
      } catch (e) {
        if (isStatus(e, 404)) return undefined;
        throw e;
      }
    },
    10_000,
  );
}

describe(`descheduler profile per shipped KubeDescheduler CRD (from ${versionsDir})`, () => {
  let client: KubeClient;
  const defaultCrd = loadCrds(crdDir()).find((c) => c.metadata?.name === CRD_NAME);
  const chosen: string[] = [];

  before(async () => {
    client = (await testCluster()).admin;
    await ensureNamespaces(client, [NS]);
  });

  after(async () => {
    assert.ok(defaultCrd, `the default ${CRD_NAME} is in ${crdDir()}`);
    await installOnly(client, defaultCrd);
    process.stderr.write(`\ndescheduler profile chosen per CRD version:\n${chosen.join('\n')}\n`);
  });

  for (const [version, want] of Object.entries(EXPECTED)) {
    it(`OpenShift ${version.replace('-', '.')}: picks ${want.profile} and passes strict validation`, async () => {
      const [crd] = loadCrds(versionFile(version));
      assert.ok(crd);
      await installOnly(client, crd);
      const live = await client.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${CRD_NAME}`);
      const info = projectCrd(live);
      const offered = info.enums[info.storageVersion]?.['spec.profiles'] ?? [];
      const facts: ClusterFacts = clusterFacts({
        hardware: Object.fromEntries(DETECTORS.map((d) => [d, false])) as Hardware,
        topology: { hasSchedulableMasters: false, hasDedicatedWorkers: true, singleNode: false, nodes: 3, masters: 3, workers: 3 },
        crds: new Map([[CRD_NAME, info]]),
        objectExists: () => true,
      });
      const obj = renderer.render(asset, familyRenderContext(HCO, facts, asset), facts);
      assert.ok(obj, 'rendered');
      const spec = obj.spec as { profiles: string[]; profileCustomizations: Record<string, unknown>; evictionLimits: Record<string, unknown>; mode: string };
      assert.deepEqual(spec.profiles, [want.profile], `offered: ${offered.join(', ')}`);
      assert.ok(offered.includes(want.profile));
      assert.deepEqual(spec.profileCustomizations, want.customizations);
      assert.deepEqual(spec.evictionLimits, want.nodeLimit ? { total: 4, node: 2 } : { total: 4 });
      assert.equal(spec.mode, 'Automatic');
      await applyDryRun(client, obj);
      chosen.push(
        `  ${version.replace('-', '.')}: ${want.profile} (offered: ${offered.filter((p) => /KubeVirt|Lifecycle/.test(p)).join(', ')}) - strict dry-run accepted`,
      );
    });
  }

  it("a running operator follows the installed CRD: swapping versions re-applies with that version's profile, no restart", async () => {
    let f: OperatorFixture | undefined;
    try {
      f = await startOperator(ASSETS, { 'platform.kubevirt.io/autopilot': 'descheduler-kubevirt' });
      for (const version of ['4-17', '4-21', '4-19']) {
        const [crd] = loadCrds(versionFile(version));
        await installOnly(client, crd!);
        const want = EXPECTED[version]!.profile;
        const cr = await eventually(
          `KubeDescheduler with ${want} after installing the ${version} CRD`,
          async () => {
            const o = await client.getOrUndefined(CR_PATH);
            return (o?.spec as { profiles?: string[] } | undefined)?.profiles?.[0] === want ? o : undefined;
          },
          30_000,
        );
        assert.equal(cr.metadata?.labels?.['platform.kubevirt.io/managed-by'], 'virt-platform-operator');
      }
    } finally {
      await f?.stop();
      await client.delete(CR_PATH).catch(() => undefined);
    }
  });
});
