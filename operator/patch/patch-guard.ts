// Security rules for user patches, judged on the patched *result*: a patch may change what an
// object says, never which object is written, its ownership marker or its lifecycle.
import { MANAGED_BY_LABEL, PREFIX } from '../vocabulary/annotations.js';
import type { KubeObject } from '../vocabulary/object.js';

/** Kinds whose content can take over nodes or the cluster's access control. */
export const SENSITIVE_KINDS = new Set([
  'MachineConfig',
  'KubeletConfig',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'CustomResourceDefinition',
]);

const LIFECYCLE_FIELDS = [
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

const objectOr = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

/** Returns why the patched result is refused, or undefined when it is acceptable. */
export function judgePatchedResult(before: KubeObject, after: unknown): string | undefined {
  if (SENSITIVE_KINDS.has(before.kind ?? '')) return `patches are not allowed on ${before.kind} objects (sensitive kind)`;
  if (!after || typeof after !== 'object' || Array.isArray(after)) return 'the patched result is not an object';
  const a = after as KubeObject;
  if (a.apiVersion !== before.apiVersion) return 'the patch changes apiVersion';
  if (a.kind !== before.kind) return 'the patch changes kind';
  if (!a.metadata || typeof a.metadata !== 'object') return 'the patch removes metadata';
  if (a.metadata.name !== before.metadata?.name) return 'the patch changes metadata.name';
  if (a.metadata.namespace !== before.metadata?.namespace) return 'the patch changes metadata.namespace';
  const label = (o: KubeObject): unknown => (o.metadata?.labels && typeof o.metadata.labels === 'object' ? o.metadata.labels[MANAGED_BY_LABEL] : undefined);
  if (label(a) !== label(before)) return `the patch changes the ${MANAGED_BY_LABEL} label`;
  // The operator's own annotations are the user's controls: a patch that wrote them would make the
  // operator own (and keep re-applying) its own instructions, e.g. a patch that rewrites the patch.
  const ours = (o: KubeObject, k: string): unknown =>
    o.metadata?.annotations && typeof o.metadata.annotations === 'object' ? o.metadata.annotations[k] : undefined;
  const keys = new Set([...Object.keys(objectOr(a.metadata.annotations)), ...Object.keys(objectOr(before.metadata?.annotations))]);
  for (const k of keys)
    if (k.startsWith(`${PREFIX}/`) && ours(a, k) !== ours(before, k))
      return `the patch changes the ${k} annotation (the operator's controls are set by the user, not by a patch)`;
  for (const f of LIFECYCLE_FIELDS) if (a.metadata[f] !== undefined && before.metadata?.[f] === undefined) return `the patch sets metadata.${f}`;
  if (a.status !== undefined && before.status === undefined) return 'the patch sets status';
  return undefined;
}
