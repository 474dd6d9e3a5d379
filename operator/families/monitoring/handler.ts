// The monitoring family: the operator's own metrics Service, ServiceMonitor and PrometheusRule, in
// the operator's namespace (which exists: the operator runs there). No policy beyond the shared
// chain; a family with a handler all the same, so the registry lists every family of the catalog.
import type { FamilyHandler } from '../family-handler.js';

export const monitoringFamily: FamilyHandler = {
  name: 'monitoring',
  kinds: [],
};
