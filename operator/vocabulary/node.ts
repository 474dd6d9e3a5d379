// A Node as the operator keeps it: only what hardware and topology detection read, so memory
// stays small on clusters with thousands of Nodes (projected by watch/node-projection.ts).
export interface NodeProjection {
  name: string;
  /** Only the labels that detection or topology read (see watch/node-projection.ts). */
  labels: Record<string, string>;
  /** Extended-resource capacity keys (those with a "/"), e.g. nvidia.com/gpu. */
  capacityKeys: string[];
  unschedulable: boolean;
  /** Keys of NoSchedule/NoExecute taints. */
  taints: string[];
}
