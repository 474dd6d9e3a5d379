// Whether the operator an object configures is installed, as far as the object can tell: its
// namespace exists (each operator's namespace is created by its installation). Not installed is a
// soft dependency: skip quietly, never count it as thrashing. Shared by the families whose objects
// configure another operator (operators, remediation, descheduler).
import type { Outcome } from '../../chain/outcome.js';
import type { Addressed } from '../../chain/run.js';

export function operatorInstalled(run: Addressed): Outcome | undefined {
  const namespace = run.desired.metadata?.namespace;
  if (!run.resource.namespaced || !namespace || run.facts.objectExists('Namespace', '', namespace)) return undefined;
  return { status: 'skipped', message: `namespace ${namespace} does not exist (the operator it configures is not installed)` };
}
