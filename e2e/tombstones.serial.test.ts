// Tombstones through the real operator core, on a temp copy of a tiny catalog whose tombstones/
// holds the real tombstone of assets/tombstones (the old 50-virt-swap-enable MachineConfig) plus a
// namespaced one: a labelled object named by a tombstone is deleted with an AssetDeleted event; an
// unlabelled object of the same name is never deleted (until someone labels it); a second pass is
// a no-op that sends no request. Serial: the MachineConfig name is cluster-wide.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../operator/vocabulary/annotations.js';
import { WORLD } from '../operator/controller/reconciler.js';
import type { KubeClient } from '../operator/kube/client.js';
import { testCluster, testNamespace } from '../envtest/harness.js';
import { repoPath } from '../scripts/repo.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { eventsFor, eventually, reasons, startOperator, type EventRecord, type OperatorFixture } from './support/operator-fixture.js';

const OLD_MC = '50-virt-swap-enable';
const MC_PATH = `/apis/machineconfiguration.openshift.io/v1/machineconfigs/${OLD_MC}`;
const OLD_CM = 'virt-platform-old-settings';
const LABELS = { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };

describe('tombstones (real operator core, temp catalog)', () => {
  let client: KubeClient;
  let dir: string;
  let oldNs: string;
  let f: OperatorFixture | undefined;
  const cmPath = (): string => `/api/v1/namespaces/${oldNs}/configmaps/${OLD_CM}`;

  const createMc = (labels: Record<string, string> = {}): Promise<unknown> =>
    client.create('/apis/machineconfiguration.openshift.io/v1/machineconfigs', {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      metadata: { name: OLD_MC, labels: { 'machineconfiguration.openshift.io/role': 'worker', ...labels } },
      spec: { kernelArguments: ['old=1'] },
    });
  const createCm = (labels: Record<string, string> = {}): Promise<unknown> =>
    client.create(`/api/v1/namespaces/${oldNs}/configmaps`, { metadata: { name: OLD_CM, labels }, data: { old: 'true' } });
  const eventsByName = async (name: string, namespace: string): Promise<EventRecord[]> =>
    (await client.get<KubeObject & { items: EventRecord[] }>(`/api/v1/namespaces/${namespace}/events`, { fieldSelector: `involvedObject.name=${name}` })).items;
  const deletedEvents = async (): Promise<number> =>
    [...(await eventsFor(client, 'MachineConfig', OLD_MC)), ...(await eventsByName(OLD_CM, oldNs))].filter((e) => e.reason === 'AssetDeleted').length;
  const worldPass = async (fx: OperatorFixture): Promise<void> => {
    const passes = fx.operator.reconciler.worldPasses;
    fx.operator.reconciler.queue.add(WORLD);
    await eventually('a world pass', () => fx.operator.reconciler.worldPasses > passes);
    await fx.operator.settle();
  };

  before(async () => {
    const cluster = await testCluster();
    client = cluster.admin;
    oldNs = await testNamespace(cluster, 'tomb');
    // A tiny catalog: one harmless asset, and the tombstones.
    dir = mkdtempSync(join(tmpdir(), 'vpo-tombstones-'));
    mkdirSync(join(dir, 'operators'));
    mkdirSync(join(dir, 'tombstones'));
    writeFileSync(
      join(dir, 'metadata.yaml'),
      yaml.dump({
        assets: [{ name: 'settings', path: 'operators/settings.yaml.hbs', kind: 'ConfigMap', reconcile_order: 10, description: 'A harmless asset.' }],
      }),
    );
    writeFileSync(
      join(dir, 'operators', 'settings.yaml.hbs'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: platform-settings\n  namespace: {{namespace}}\ndata:\n  a: "1"\n',
    );
    copyFileSync(repoPath('assets', 'tombstones', `${OLD_MC}.yaml`), join(dir, 'tombstones', `${OLD_MC}.yaml`));
    writeFileSync(
      join(dir, 'tombstones', 'old-settings.yaml'),
      yaml.dump({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: OLD_CM, namespace: oldNs } }),
    );
  });

  afterEach(async () => {
    await f?.stop();
    f = undefined;
    await client.delete(MC_PATH).catch(() => undefined);
    await client.delete(cmPath()).catch(() => undefined);
    await eventually('clean', async () => !(await client.getOrUndefined(MC_PATH)) && !(await client.getOrUndefined(cmPath())));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('deletes labelled objects named by a tombstone, with AssetDeleted events; a second pass is a no-op', async () => {
    await createMc(LABELS);
    await createCm(LABELS);
    f = await startOperator(dir);
    await eventually('both deleted', async () => !(await client.getOrUndefined(MC_PATH)) && !(await client.getOrUndefined(cmPath())));
    const mcEvents = await eventually('AssetDeleted on the MachineConfig', async () => {
      const e = (await eventsFor(client, 'MachineConfig', OLD_MC)).filter((x) => x.reason === 'AssetDeleted');
      return e.length ? e : undefined;
    });
    assert.equal(mcEvents.length, 1);
    assert.match(mcEvents[0]!.message, /deleted obsolete MachineConfig 50-virt-swap-enable \(tombstone\)/);
    await eventually('AssetDeleted on the ConfigMap', async () => reasons(await eventsByName(OLD_CM, oldNs)).includes('AssetDeleted'));
    await f.operator.settle();

    const before = await deletedEvents();
    f.requests.clear();
    await worldPass(f);
    assert.deepEqual(Object.fromEntries(f.requests), {}, 'the second pass sends no request at all');
    assert.equal(await deletedEvents(), before, 'and writes no Event');
  });

  it('never deletes an unlabelled object of the same name - until it is labelled as ours', async () => {
    await createMc();
    await createCm();
    const before = await deletedEvents();
    f = await startOperator(dir);
    await worldPass(f);
    await worldPass(f);
    assert.ok(await client.getOrUndefined(MC_PATH), 'the unlabelled MachineConfig is still there');
    assert.ok(await client.getOrUndefined(cmPath()), 'the unlabelled ConfigMap is still there');
    assert.equal(await deletedEvents(), before);

    // Labelled while the operator runs: the label-selected watch sees it and the tombstone applies.
    await client.mergePatch(cmPath(), { metadata: { labels: LABELS } }, 'kubectl-edit');
    await eventually('the now-labelled ConfigMap is deleted', async () => !(await client.getOrUndefined(cmPath())));
    assert.ok(await client.getOrUndefined(MC_PATH), 'the unlabelled MachineConfig is untouched');
  });

  // Known core issue: reapTombstones() builds the Event from the cached live object, and list
  // items of built-in kinds carry no apiVersion/kind, so `kubectl get events
  // --field-selector involvedObject.kind=ConfigMap` misses it. Fix (operator/controller/tombstones.ts):
  // emit with { ...involvedOf(live), apiVersion: t.apiVersion, kind: t.kind }.
  it('AssetDeleted names the kind of a built-in object', async () => {
    const cm = (await createCm(LABELS)) as KubeObject;
    f = await startOperator(dir);
    await eventually('deleted', async () => !(await client.getOrUndefined(cmPath())));
    await eventually(
      'AssetDeleted for this object found by kind',
      async () => {
        const items = (
          await client.get<KubeObject & { items: (EventRecord & { involvedObject: { uid?: string } })[] }>(`/api/v1/namespaces/${oldNs}/events`, {
            fieldSelector: `involvedObject.kind=ConfigMap,involvedObject.name=${OLD_CM}`,
          })
        ).items;
        return items.some((e) => e.reason === 'AssetDeleted' && e.involvedObject.uid === cm.metadata?.uid);
      },
      5_000,
    );
  });
});
