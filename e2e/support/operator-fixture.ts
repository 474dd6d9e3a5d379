// Test support: an HCO namespace with an operator core running against the shared control plane,
// plus the small reads tests need (objects, events, request counts).
import { KubeClient } from '../../operator/kube/client.js';
import { isStatus } from '../../operator/kube/errors.js';
import type { KubeObject } from '../../operator/vocabulary/object.js';
import { HCO_NAME, hcoObject } from '../../operator/vocabulary/hco.js';
import { Operator, type OperatorOptions } from '../../operator/operator.js';
import { testCluster, testNamespace, type TestCluster } from '../../envtest/harness.js';

export interface OperatorFixture {
  cluster: TestCluster;
  ns: string;
  client: KubeClient;
  operator: Operator;
  hcoPath: string;
  /** Requests sent by the operator's client since the last reset, by verb. */
  requests: Map<string, number>;
  /** Stops the operator, runs `meanwhile` (the cluster changes while no operator runs), starts a new one. */
  restart(extra?: Partial<OperatorOptions>, meanwhile?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export { HCO_NAME, hcoObject };

/** Creates a namespace and an HCO in it, and starts an operator core watching that namespace. */
export async function startOperator(
  assetsDir: string,
  hcoAnnotations: Record<string, string> = { 'platform.kubevirt.io/autopilot': 'true' },
  extra: Partial<OperatorOptions> = {},
  /** The HCO namespace's name (default: a fresh unique one). */
  namespace?: string,
): Promise<OperatorFixture> {
  const cluster = await testCluster();
  const ns = namespace ?? (await testNamespace(cluster, 'op'));
  // A namespace the caller already made (with objects in it the operator must find) is used as is.
  if (namespace)
    await cluster.admin.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }).catch((e: unknown) => {
      if (!isStatus(e, 409)) throw e;
    });
  const hcoPath = `/apis/hco.kubevirt.io/v1/namespaces/${ns}/hyperconvergeds/${HCO_NAME}`;
  await cluster.admin.create(`/apis/hco.kubevirt.io/v1/namespaces/${ns}/hyperconvergeds`, hcoObject(ns, hcoAnnotations));
  const requests = new Map<string, number>();
  let client = new KubeClient(cluster.kubeconfigForToken(cluster.adminToken, 'admin'));
  const make = (opts: Partial<OperatorOptions>): Operator => {
    client.onRequest((verb) => requests.set(verb, (requests.get(verb) ?? 0) + 1));
    return new Operator({ client, assetsDir, hcoNamespace: ns, ...opts });
  };
  const fixture: OperatorFixture = {
    cluster,
    ns,
    client,
    hcoPath,
    requests,
    operator: make(extra),
    async restart(more = {}, meanwhile) {
      await fixture.operator.stop();
      client.close();
      await meanwhile?.();
      client = new KubeClient(cluster.kubeconfigForToken(cluster.adminToken, 'admin'));
      fixture.client = client;
      fixture.operator = make({ ...extra, ...more });
      await fixture.operator.start();
      await fixture.operator.settle();
    },
    async stop() {
      await fixture.operator.stop();
      client.close();
    },
  };
  await fixture.operator.start();
  await fixture.operator.settle();
  return fixture;
}

export interface EventRecord {
  reason: string;
  message: string;
  type: string;
  involvedObject: { kind: string; name: string; namespace?: string };
}

/** Events about an object (cluster-scoped objects' Events live in "default"). */
export async function eventsFor(client: KubeClient, kind: string, name: string, namespace?: string): Promise<EventRecord[]> {
  const list = await client.get<KubeObject & { items: EventRecord[] }>(`/api/v1/namespaces/${namespace ?? 'default'}/events`, {
    fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`,
  });
  return list.items;
}

export const reasons = (events: EventRecord[]): string[] => events.map((e) => e.reason);

/** Polls until `check` returns a value (not undefined/false) or the timeout passes. */
export async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
