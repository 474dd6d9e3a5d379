// The packaged catalog's metadata.yaml, parsed ahead of time. Empty here: loadCatalog parses the
// file. The image's bundle (scripts/image-bundle.ts) replaces this module with the packaged file's
// parsed document, which takes js-yaml's parse of it (≈40 KB) off the cold start; it is used only
// while the file still has the content it was parsed from (--assets-dir, a mounted catalog), and
// validated like a parsed file.
export const PRECOMPILED_CATALOG: { sha256: string; json: string } | undefined = undefined;
