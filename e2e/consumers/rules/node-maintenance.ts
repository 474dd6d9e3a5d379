// Node Maintenance Operator (medik8s/node-maintenance-operator): its validating webhook. It needs
// the live Node list (node exists, etcd quorum guard), so the rules that the object alone decides
// are encoded here; "the node exists" is the admin's input and checked by the webhook at apply.
import type { KubeObject } from '../../../operator/vocabulary/object.js';
import type { ConsumerContext, ConsumerRules } from '../types.js';
import { findings, isDns1123Subdomain, objectsOf, spec } from './support.js';

const WEBHOOK = 'medik8s/node-maintenance-operator internal/webhook/v1beta1/nodemaintenance_webhook.go';

export function validateNodeMaintenance(obj: KubeObject, ctx: ConsumerContext) {
  const f = findings('node-maintenance-operator', obj);
  const node = spec(obj).nodeName;
  f.check(
    isDns1123Subdomain(node),
    'node-name',
    `${WEBHOOK} validateNodeExists (Node names are DNS-1123 subdomains: k8s.io/apimachinery IsDNS1123Subdomain)`,
    `nodeName ${JSON.stringify(node)} cannot name a Node: "invalid nodeName, no node with name ... found"`,
  );
  const others = objectsOf(ctx, 'NodeMaintenance').filter((o) => o !== obj && spec(o).nodeName === node);
  f.check(
    others.length === 0,
    'one-per-node',
    `${WEBHOOK} validateNoNodeMaintenanceExists`,
    `another NodeMaintenance targets ${String(node)}: "a NodeMaintenance for node ... already exists"`,
  );
  f.check(
    obj.metadata?.namespace === undefined,
    'cluster-scoped',
    'medik8s/node-maintenance-operator api/v1beta1/nodemaintenance_types.go (+kubebuilder:resource:scope=Cluster)',
    'NodeMaintenance is cluster-scoped',
  );
  return f.list;
}

export const nodeMaintenanceRules: ConsumerRules = {
  consumer: 'node-maintenance-operator',
  kinds: ['NodeMaintenance'],
  validate: validateNodeMaintenance,
};
