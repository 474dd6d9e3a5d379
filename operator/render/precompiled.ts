// Templates compiled ahead of time. Empty here: the renderer compiles each template at first use.
// The image's bundle (scripts/image-bundle.ts) replaces this module with the packaged catalog's
// templates precompiled, which takes Handlebars' compiler off the cold start; a template is used
// only while its file still has the content it was compiled from (--assets-dir, a mounted catalog).
export interface Precompiled {
  sha256: string;
  spec: TemplateSpecification;
}

export const PRECOMPILED: Readonly<Record<string, Precompiled>> = {};
