// Every consumer's rules, in one list: the scenario matrix validates each rendered object with
// every entry whose kinds include the object's kind.
import type { ConsumerRules } from './types.js';
import { kernelArgumentRules } from './rules/kernel-args.js';
import { machineConfigRules } from './rules/machine-config.js';
import { nodeFileRules } from './rules/node-files.js';
import { remediationOperatorsRules } from './rules/index.js';

export const CONSUMER_RULES: readonly ConsumerRules[] = [
  machineConfigRules,
  kernelArgumentRules,
  nodeFileRules,
  // Remediation (medik8s), descheduler, HCO/AAQ, Forklift, MetalLB, Cluster Observability Operator.
  ...remediationOperatorsRules,
];

export const rulesFor = (kind: string | undefined): ConsumerRules[] => CONSUMER_RULES.filter((r) => kind !== undefined && r.kinds.includes(kind));
