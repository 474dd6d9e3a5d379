// The operators family: CRs that configure other operators (MTV, MetalLB, the observability UI
// plugin, AAQ). Its policy: skip quietly while the target operator is not installed.
import type { FamilyHandler } from '../family-handler.js';
import { operatorInstalled } from '../shared/operator-installed.js';

export const operatorsFamily: FamilyHandler = {
  name: 'operators',
  kinds: [],
  admit: operatorInstalled,
};
