// `npm run build` (after tsc): the operator as one file, dist/image/virt-platform-operator.mjs (and
// chunks/ of what it imports on demand),
// which is what the image runs. Loading one pre-linked file instead of ~1,000 modules is most of
// the cold start's CPU, and tree-shaking drops what the process never calls — above all
// client-node's generated API surface (thousands of model classes), which its KubeConfig module
// pulls in through the package's barrel file. Those files only declare classes, so they are
// marked free of side effects and only what is used stays. The packaged templates are
// precompiled into it (operator/render/precompiled.ts), so Handlebars' compiler does not run at
// start-up, and so is the catalog's metadata.yaml (operator/catalog/precompiled-catalog.ts).
//
// The image runs in the cluster: its KubeConfig is the service account's token and CA. The
// transports client-node's KubeConfig module imports for other set-ups — undici (2.x: the fetch
// dispatchers of its generated clients and Watch, which the operator does not use: kube/client.ts
// does its own requests) and the proxy agents of a kubeconfig's proxy-url (socks, HTTP) — cannot
// be reached there, yet cost RSS and start-up CPU to load (undici alone is ≈1.4 MB of code). The bundle replaces them with
// modules that fail with a clear message if ever called. The npm package (dist/) keeps them all.
// Likewise prom-client's index loads the push gateway, cluster aggregation, summaries and the
// default collectors; the operator's metrics module gets only the four classes it uses.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { build } from 'esbuild';
import Handlebars from 'handlebars';
import yaml from 'js-yaml';
import { repoPath, repoRoot } from './repo.js';
import { COMPILE_OPTIONS, sha256 } from '../operator/render/renderer.js';

export const IMAGE_BUNDLE = repoPath('dist', 'image', 'virt-platform-operator.mjs');

const GENERATED_API = /[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/]gen[\\/]/;
const PRECOMPILED_MODULE = /[\\/]operator[\\/]render[\\/]precompiled\.ts$/;
const PRECOMPILED_CATALOG_MODULE = /[\\/]operator[\\/]catalog[\\/]precompiled-catalog\.ts$/;
const NOT_IN_IMAGE: Record<string, string[]> = {
  'node-fetch': ['default', 'Headers'],
  'socks-proxy-agent': ['SocksProxyAgent'],
  socks: ['SocksClient'],
  hpagent: ['HttpProxyAgent', 'HttpsProxyAgent'],
  // client-node 2.x's fetch dispatchers (≈1.4 MB of code): the generated API's transport.
  undici: ['Agent', 'ProxyAgent', 'fetch'],
};

/** What operator/http/metrics.ts uses of prom-client. A class missing here fails at start-up, not
 *  silently: OperatorMetrics builds every metric at once (e2e/install-image runs the bundle). */
const PROM_CLIENT = ['Registry', 'Counter', 'Gauge', 'Histogram'];
const PROM_CLIENT_MODULE = `${PROM_CLIENT.map((c) => `import ${c} from 'prom-client/lib/${c.toLowerCase()}.js';`).join('\n')}\nexport default { ${PROM_CLIENT.join(', ')} };\n`;

/** A module whose exports throw: what the image does not need, named in the error. */
function notInImage(pkg: string): string {
  // A function, not an arrow: `new` on it must throw this message, not "is not a constructor".
  const fail = `function () { throw new Error(${JSON.stringify(`${pkg} is not part of the virt-platform-operator image (in-cluster configuration needs no proxy-url and no fetch transport); use the npm package for that kubeconfig`)}); }`;
  return NOT_IN_IMAGE[pkg]!.map((name) => (name === 'default' ? `export default ${fail};` : `export const ${name} = ${fail};`)).join('\n');
}

function templates(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? templates(p) : n.endsWith('.hbs') ? [p] : [];
  });
}

/** The module that replaces precompiled.ts: every template of the packaged catalog, by path. */
export function precompiledModule(assetsDir = repoPath('assets')): string {
  const entries = templates(assetsDir).map((file) => {
    const source = readFileSync(file, 'utf8');
    const key = relative(assetsDir, file).split(sep).join('/');
    return `${JSON.stringify(key)}: { sha256: ${JSON.stringify(sha256(source))}, spec: ${Handlebars.precompile(source, COMPILE_OPTIONS) as unknown as string} }`;
  });
  return `export const PRECOMPILED = {\n${entries.join(',\n')}\n};\n`;
}

/** The module that replaces precompiled-catalog.ts: the packaged metadata.yaml, parsed. */
export function precompiledCatalogModule(assetsDir = repoPath('assets')): string {
  const source = readFileSync(join(assetsDir, 'metadata.yaml'), 'utf8');
  return `export const PRECOMPILED_CATALOG = { sha256: ${JSON.stringify(sha256(source))}, json: ${JSON.stringify(JSON.stringify(yaml.load(source)))} };\n`;
}

/** @param outdir gets virt-platform-operator.mjs and chunks/
 *  @param minify false for a profile that names lines */
export async function bundle(outdir = dirname(IMAGE_BUNDLE), minify = true): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [repoPath('operator', 'bin', 'virt-platform-operator.ts')],
    outdir,
    // What is imported dynamically (selfsigned's X.509 code, ≈0.7 MB, needed only without a
    // mounted serving certificate) goes to a chunk of its own, not parsed at start-up.
    splitting: true,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // Whitespace and syntax only: identifiers keep their names, so stack traces stay readable.
    minifyWhitespace: minify,
    minifySyntax: minify,
    legalComments: 'eof',
    // The image runs with NODE_ENV=production (Dockerfile): decided here, so only that branch is
    // loaded (winston's debug module: a no-op instead of colour-space conversion code).
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    // The CommonJS packages (handlebars, winston, prom-client) require node built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    plugins: [
      {
        // Node's built-in modules through require, not import: an ESM import of a built-in builds
        // a facade that reads every export, lazy ones included — node:http's starts Node's own
        // undici (the fetch implementation, ≈50 ms of CPU at start-up), node:crypto's webcrypto.
        // require hands over the module object, whose lazy exports stay unread until used.
        name: 'builtins-through-require',
        setup(b) {
          const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
          b.onResolve({ filter: /^[a-z0-9_:/]+$/ }, (args) => {
            if (!builtins.has(args.path)) return undefined;
            if (args.namespace === 'builtin') return { path: args.path, external: true };
            return { path: args.path, namespace: 'builtin' };
          });
          b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
        },
      },
      {
        name: 'precompiled-templates',
        setup(b) {
          b.onLoad({ filter: PRECOMPILED_MODULE }, () => ({ contents: precompiledModule(), loader: 'js' }));
          b.onLoad({ filter: PRECOMPILED_CATALOG_MODULE }, () => ({ contents: precompiledCatalogModule(), loader: 'js' }));
        },
      },
      {
        name: 'not-in-image',
        setup(b) {
          const filter = new RegExp(`^(${Object.keys(NOT_IN_IMAGE).join('|')})$`);
          b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'not-in-image' }));
          b.onLoad({ filter: /.*/, namespace: 'not-in-image' }, (args) => ({ contents: notInImage(args.path), loader: 'js' }));
        },
      },
      {
        name: 'prom-client-classes',
        setup(b) {
          b.onResolve({ filter: /^prom-client$/ }, (args) =>
            /[\\/]operator[\\/]/.test(args.importer) ? { path: 'prom-client', namespace: 'prom-client-classes' } : undefined,
          );
          b.onLoad({ filter: /.*/, namespace: 'prom-client-classes' }, () => ({ contents: PROM_CLIENT_MODULE, loader: 'js', resolveDir: repoRoot }));
        },
      },
      {
        name: 'generated-api-is-pure',
        setup(b) {
          b.onResolve({ filter: /^\./ }, async (args) => {
            if (!GENERATED_API.test(args.importer) || args.pluginData === 'resolving') return undefined;
            const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'resolving' });
            return r.errors.length ? undefined : { path: r.path, sideEffects: false };
          });
          // The barrel file itself, imported from outside the folder.
          b.onResolve({ filter: /gen[\\/]index\.js$/ }, async (args) => {
            if (args.pluginData === 'resolving') return undefined;
            const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'resolving' });
            return r.errors.length || !GENERATED_API.test(r.path) ? undefined : { path: r.path, sideEffects: false };
          });
        },
      },
    ],
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await bundle();
}
