// The HyperConverged CR's identity: what the operator manages and reads its configuration from.
// (Its dual role — managed object and configuration source — is the hco family's policy.)
import { dig } from '../util/dig.js';
import type { KubeObject } from './object.js';

export const HCO_GROUP = 'hco.kubevirt.io';
export const HCO_KIND = 'HyperConverged';
/** The version the operator reads and writes the HCO as (its storage version). */
export const HCO_VERSION = 'v1';
export const HCO_API_VERSION = `${HCO_GROUP}/${HCO_VERSION}`;
export const HCO_CRD = `hyperconvergeds.${HCO_GROUP}`;
export const HCO_PLURAL = 'hyperconvergeds';
/** The one name HCO accepts for its CR (the upstream CRD admits no other). */
export const HCO_NAME = 'kubevirt-hyperconverged';
/** Where the HCO lives when --namespace is not given (OpenShift, then upstream), in this order. */
export const HCO_DEFAULT_NAMESPACES = ['openshift-cnv', 'kubevirt-hyperconverged'] as const;

/** A HyperConverged object (tests, fixtures, the render CLI's examples). */
export function hcoObject(namespace: string, annotations: Record<string, string> = {}, spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: HCO_API_VERSION, kind: HCO_KIND, metadata: { name: HCO_NAME, namespace, annotations }, spec };
}

/** An HCO feature gate is enabled when listed (v1: [{name, state}]) and not Disabled. */
export function featureGateEnabled(hco: KubeObject, gate: string): boolean {
  const gates = dig(hco, 'spec.featureGates');
  if (!Array.isArray(gates)) return false;
  return gates.some((g: unknown) => {
    const e = g as { name?: unknown; state?: unknown };
    return e && e.name === gate && e.state !== 'Disabled';
  });
}
