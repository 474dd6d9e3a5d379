// The consumer rules of the non-machine-config families (remediation, descheduler, operators,
// hco), for the scenario matrix's registry.
import type { ConsumerRules } from '../types.js';
import { aaqRules } from './aaq.js';
import { deschedulerRules } from './descheduler.js';
import { fenceAgentsRules } from './fence-agents.js';
import { forkliftRules } from './forklift.js';
import { hyperConvergedRules } from './hyperconverged.js';
import { metallbRules } from './metallb.js';
import { nodeHealthCheckRules } from './node-healthcheck.js';
import { nodeMaintenanceRules } from './node-maintenance.js';
import { uiPluginRules } from './uiplugin.js';
import { clusterLogForwarderRules, collectorBindingRules, lokiStackRules } from './logging.js';
import { persesRules } from './perses.js';
import { sbrRules } from './sbr.js';

export const remediationOperatorsRules: ConsumerRules[] = [
  hyperConvergedRules,
  nodeHealthCheckRules,
  fenceAgentsRules,
  nodeMaintenanceRules,
  deschedulerRules,
  aaqRules,
  forkliftRules,
  metallbRules,
  uiPluginRules,
  lokiStackRules,
  clusterLogForwarderRules,
  collectorBindingRules,
  persesRules,
  sbrRules,
];
