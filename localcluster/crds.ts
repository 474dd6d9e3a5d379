// Installs CustomResourceDefinitions into the local control plane and waits until each is
// Established. The source is CRD_DIR when set (CI: ../shared/crds, the real upstream CRDs),
// otherwise the project's own fixture CRDs in localcluster/fixture-crds.
import { resolve } from 'node:path';
import type { KubeClient } from '../operator/kube/client.js';
import { crdEstablished } from '../operator/vocabulary/crd-info.js';
import type { KubeObject } from '../operator/vocabulary/object.js';
import { sourceDir } from './source-dir.js';
export { loadCrds } from '../operator/kube/crd-files.js';

export const fixtureCrdDir = sourceDir(import.meta.url, 'fixture-crds');

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** The CRD folder in use: $CRD_DIR (resolved against the cwd) or the fixtures. */
export function crdDir(): string {
  return process.env.CRD_DIR ? resolve(process.env.CRD_DIR) : fixtureCrdDir;
}

/** Server-side applies the CRDs and waits until every one is Established. */
export async function installCrds(client: KubeClient, crds: KubeObject[], timeoutMs = 30_000): Promise<string[]> {
  const names: string[] = [];
  for (const crd of crds) {
    const { status: _status, ...body } = crd;
    await client.apply(`${CRD_PATH}/${crd.metadata!.name!}`, body, { fieldManager: 'envtest' });
    names.push(crd.metadata!.name!);
  }
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const live = await client.get(`${CRD_PATH}/${name}`);
      if (crdEstablished(live)) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established after ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return names;
}

/** Deletes CRDs by name and waits until they are gone. */
export async function uninstallCrds(client: KubeClient, names: string[], timeoutMs = 30_000): Promise<void> {
  for (const name of names) await client.delete(`${CRD_PATH}/${name}`).catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    while (await client.getOrUndefined(`${CRD_PATH}/${name}`)) {
      if (Date.now() > deadline) throw new Error(`CRD ${name} still present after ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
