// The consumer-validation vocabulary: a rule of the component that consumes an object (the
// Machine Config Operator, Ignition, the kubelet, medik8s, the descheduler operator, HCO, ...)
// judges one rendered object in the context of its scenario and reports findings. A finding is a
// defect: the consumer would reject, misread or silently ignore what the operator wrote.
import type { KubeObject } from '../../operator/vocabulary/object.js';

export interface Finding {
  /** The consuming component, e.g. "machine-config-operator", "ignition", "kubelet". */
  consumer: string;
  /** A short rule id, unique within the consumer, e.g. "kubeletconfig-no-swap-fields". */
  rule: string;
  /** Where the rule comes from upstream: "<repository> <file> <function>". */
  source: string;
  /** "Kind namespace/name" of the judged object. */
  object: string;
  message: string;
}

/** The scenario an object was rendered in: the versions of the consumers and the other objects. */
export interface ConsumerContext {
  /** OpenShift minor version the rules are taken from, e.g. "4.21". */
  openshiftVersion: string;
  /** The HyperConverged the scenario rendered from (after the golden config). */
  hco: KubeObject;
  /** Every object rendered in the scenario (cross-object rules, e.g. NHC → its templates). */
  objects: KubeObject[];
}

export interface ConsumerRules {
  consumer: string;
  /** Kinds this consumer judges. */
  kinds: string[];
  validate(obj: KubeObject, ctx: ConsumerContext): Finding[] | Promise<Finding[]>;
}

/** "Kind namespace/name": how findings name the object. */
export { describeObject } from '../../operator/vocabulary/object.js';
