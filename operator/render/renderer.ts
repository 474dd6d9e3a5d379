// Renders an asset's Handlebars template to at most one Kubernetes object. Templates are compiled
// once (ahead of time in the image, see precompiled.ts); helpers are bound to the facts snapshot
// of each render. Empty output means "not
// applicable here"; anything malformed is a RenderError naming the asset.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import yaml from 'js-yaml';
import type { Asset } from '../catalog/catalog.js';
import type { KubeObject } from '../vocabulary/object.js';
import type { ClusterFacts, RenderContext } from './context.js';
import { makeHelpers } from './helpers.js';
import { NotApplicable } from './not-applicable.js';
import { PRECOMPILED, type Precompiled } from './precompiled.js';
import { deepFreeze } from '../util/deep-freeze.js';
import { sha256 } from '../util/sha256.js';

/** noEscape: the output is YAML, not HTML; strict off: a missing field renders empty. */
export const COMPILE_OPTIONS = { noEscape: true, strict: false } as const;

export { sha256 };

export class RenderError extends Error {
  override name = 'RenderError';
}

export class Renderer {
  private readonly hbs = Handlebars.create();
  private readonly compiled = new Map<string, HandlebarsTemplateDelegate>();
  private readonly files = new Map<string, string>();
  /** Per asset, the last rendered text and what it parsed to: a world pass re-renders every asset
   *  and the text rarely changes, so the YAML is parsed only when it does (the object is frozen). */
  private readonly parsed = new Map<string, { text: string; object: KubeObject | undefined }>();

  constructor(
    readonly assetsDir: string,
    private readonly precompiled: Readonly<Record<string, Precompiled>> = PRECOMPILED,
  ) {}

  private template(asset: Asset): HandlebarsTemplateDelegate {
    let t = this.compiled.get(asset.path);
    if (!t) {
      const source = readFileSync(join(this.assetsDir, asset.path), 'utf8');
      const pre = this.precompiled[asset.path];
      t = pre?.sha256 === sha256(source) ? this.hbs.template(pre.spec) : this.hbs.compile(source, COMPILE_OPTIONS);
      this.compiled.set(asset.path, t);
    }
    return t;
  }

  /** A file of the catalog that templates embed (node scripts, config files); read once. */
  private readonly readAssetFile = (path: string): string => {
    if (path.includes('..') || path.startsWith('/')) throw new Error(`asset file ${path}: must stay inside the assets folder`);
    let text = this.files.get(path);
    if (text === undefined) {
      text = readFileSync(join(this.assetsDir, path), 'utf8');
      this.files.set(path, text);
    }
    return text;
  };

  /** The rendered text (for debugging and tests). */
  renderText(asset: Asset, ctx: RenderContext, facts: ClusterFacts): string {
    try {
      return this.template(asset)(ctx, { helpers: makeHelpers(facts, this.readAssetFile) });
    } catch (e) {
      if (e instanceof NotApplicable) throw e;
      throw new RenderError(`asset ${asset.name}: template ${asset.path} failed: ${(e as Error).message}`);
    }
  }

  /** The rendered object, or undefined when the template renders empty (not applicable). */
  render(asset: Asset, ctx: RenderContext, facts: ClusterFacts): KubeObject | undefined {
    return this.renderOutcome(asset, ctx, facts).object;
  }

  /** The rendered object, or why not when the template says so ({{notApplicable "..."}}). */
  renderOutcome(asset: Asset, ctx: RenderContext, facts: ClusterFacts): { object?: KubeObject; reason?: string } {
    let text: string;
    try {
      text = this.renderText(asset, ctx, facts);
    } catch (e) {
      if (e instanceof NotApplicable) return { reason: e.message };
      throw e;
    }
    let last = this.parsed.get(asset.name);
    if (last?.text !== text) {
      last = { text, object: this.parse(asset, text) };
      this.parsed.set(asset.name, last);
    }
    return last.object ? { object: last.object } : {};
  }

  private parse(asset: Asset, text: string): KubeObject | undefined {
    let docs: unknown[];
    try {
      docs = yaml.loadAll(text).filter((d) => d !== null && d !== undefined);
    } catch (e) {
      throw new RenderError(`asset ${asset.name}: template ${asset.path} produced invalid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    if (docs.length === 0) return undefined;
    if (docs.length > 1) throw new RenderError(`asset ${asset.name}: template ${asset.path} produced ${docs.length} objects; an asset is exactly one object`);
    const obj = docs[0] as KubeObject;
    if (typeof obj !== 'object' || Array.isArray(obj)) throw new RenderError(`asset ${asset.name}: template ${asset.path} did not produce a mapping`);
    if (obj.kind !== asset.kind) throw new RenderError(`asset ${asset.name}: template produced kind ${String(obj.kind)}, the catalog says ${asset.kind}`);
    if (typeof obj.apiVersion !== 'string' || !obj.metadata?.name) throw new RenderError(`asset ${asset.name}: the object needs apiVersion and metadata.name`);
    return deepFreeze(obj);
  }
}
