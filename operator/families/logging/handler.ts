// The logging family: the LokiStack, the ClusterLogForwarder with its collector ServiceAccount and
// bindings, and the logging UI plugin. Its policy: skip quietly while the logging operators are
// not installed (their namespace, openshift-logging, does not exist).
import type { FamilyHandler } from '../family-handler.js';
import { operatorInstalled } from '../shared/operator-installed.js';

export const loggingFamily: FamilyHandler = {
  name: 'logging',
  kinds: [],
  admit: operatorInstalled,
};
