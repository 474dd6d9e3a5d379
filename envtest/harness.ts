// What a test file uses to reach the shared control plane. The test runner starts one control
// plane per run and passes its description in VPO_ENVTEST; a test file run on its own (node
// --test dist/x.test.js) starts a private one instead, so every suite also runs standalone.
import { after } from 'node:test';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../operator/kube/client.js';
import type { Binaries } from '../localcluster/binaries.js';
import { startControlPlane, tokenKubeconfig, type ControlPlane } from '../localcluster/controlplane.js';
import { crdDir, installCrds, loadCrds } from '../localcluster/crds.js';

/** What a test sees of the control plane (the shared one, or a private one when run alone). */
export type TestCluster = Pick<ControlPlane, 'server' | 'kubeconfigPath' | 'adminToken' | 'binaries' | 'admin' | 'kubeconfigForToken'> & {
  /** The API server's certificate (its key beside it: a test proxy terminates TLS with both). */
  caFile: string;
};

export interface EnvtestDescription {
  server: string;
  kubeconfigPath: string;
  adminToken: string;
  binaries: Binaries;
  caFile: string;
}

let shared: Promise<TestCluster> | undefined;
let privatePlane: ControlPlane | undefined;

// Registered at import, on the file's root test: stops a private control plane after the file.
after(async () => {
  await privatePlane?.stop();
});

function fromDescription(d: EnvtestDescription): TestCluster {
  const kubeconfigForToken = (token: string, user: string): KubeConfig => tokenKubeconfig(d.server, d.caFile, token, user);
  return { ...d, admin: new KubeClient(kubeconfigForToken(d.adminToken, 'admin'), 'envtest-admin'), kubeconfigForToken };
}

/** The cluster for this test file (shared when run by the test runner). */
export function testCluster(): Promise<TestCluster> {
  shared ??= (async () => {
    const file = process.env.VPO_ENVTEST;
    if (file) return fromDescription(JSON.parse(readFileSync(file, 'utf8')) as EnvtestDescription);
    // A private control plane for a file run on its own.
    const cp = await startControlPlane();
    privatePlane = cp;
    await installCrds(cp.admin, loadCrds(crdDir()));
    return Object.assign(cp, { caFile: join(cp.dir, 'certs', 'apiserver.crt') });
  })();
  return shared;
}

/** A unique, DNS-safe name for test isolation. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Creates a namespace for one test and returns its name. */
export async function testNamespace(cluster: TestCluster, prefix = 't'): Promise<string> {
  const name = uniqueName(prefix);
  await cluster.admin.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}
