// Reading the render CLI's input files. Every problem is a UsageError naming the file and what is
// wrong with it (the CLI prints it on one line and exits 2).
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { loadCrds } from '../kube/crd-files.js';
import { projectCrd, type CrdInfo } from '../vocabulary/crd-info.js';
import type { KubeObject } from '../vocabulary/object.js';
import { HCO_KIND } from '../vocabulary/hco.js';
import { projectNode, type NodeProjection } from '../catalog/hardware.js';
import { UsageError } from './usage-error.js';

function readYamlDocs(file: string, what: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read the ${what} file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return yaml.loadAll(text).filter((d) => d !== null && d !== undefined);
  } catch (e) {
    throw new UsageError(`${file}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
}

export function readHco(file: string): KubeObject {
  const docs = readYamlDocs(file, HCO_KIND);
  if (docs.length !== 1) throw new UsageError(`${file}: expected exactly one HyperConverged document, found ${docs.length}`);
  const o = docs[0] as KubeObject;
  if (!o || typeof o !== 'object' || Array.isArray(o) || o.kind !== HCO_KIND) {
    throw new UsageError(`${file}: not a HyperConverged (kind is ${JSON.stringify((o as KubeObject | undefined)?.kind ?? null)})`);
  }
  if (o.apiVersion !== 'hco.kubevirt.io/v1')
    throw new UsageError(`${file}: the HyperConverged must be apiVersion hco.kubevirt.io/v1 (got ${JSON.stringify(o.apiVersion ?? null)})`);
  if (!o.metadata?.name || !o.metadata.namespace) throw new UsageError(`${file}: the HyperConverged needs metadata.name and metadata.namespace`);
  return o;
}

export function readNodes(file: string): NodeProjection[] {
  const nodes: NodeProjection[] = [];
  for (const d of readYamlDocs(file, 'Nodes')) {
    const o = d as KubeObject & { items?: KubeObject[] };
    const items = o?.kind === 'List' || o?.kind === 'NodeList' ? (o.items ?? []) : [o];
    for (const n of items) {
      if (n?.kind !== 'Node') throw new UsageError(`${file}: expected Node objects (or a List of them), found ${JSON.stringify(n?.kind ?? null)}`);
      nodes.push(projectNode(n));
    }
  }
  return nodes;
}

/** The managed objects as the cluster has them (`kubectl get ... -l platform.kubevirt.io/managed-by -o yaml`). */
export function readObjects(file: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const d of readYamlDocs(file, 'objects')) {
    const o = d as KubeObject & { items?: KubeObject[] };
    for (const item of o?.kind === 'List' || o?.kind?.endsWith('List') ? (o.items ?? []) : [o]) {
      if (!item || typeof item !== 'object' || !item.apiVersion || !item.kind || !item.metadata?.name)
        throw new UsageError(`${file}: expected Kubernetes objects (apiVersion, kind, metadata.name), or Lists of them`);
      out.push(item);
    }
  }
  return out;
}

export function readCrdDir(dir: string): Map<string, CrdInfo> {
  let crds: KubeObject[];
  try {
    crds = loadCrds(dir);
  } catch (e) {
    throw new UsageError(`${dir}: cannot read CRDs (${(e as Error).message.split('\n')[0]})`);
  }
  if (crds.length === 0) throw new UsageError(`${dir}: no CustomResourceDefinition found`);
  return new Map(crds.map((c) => [c.metadata?.name ?? '', projectCrd(c)]));
}
