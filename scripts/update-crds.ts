// update-crds: download the pinned upstream CRDs (scripts/crd-pins.yaml) into a cache folder
// for CRD_DIR, refusing any file whose sha256 differs from its pin; --verify only reports drift.
//
//   update-crds [--dest DIR] [--pins FILE] [--base-url URL] [--verify]
//
// Exit codes: 0 ok; 1 a file failed (update) or changed upstream (verify); 2 bad flags or pin
// file; 3 (verify only) nothing changed but some files could not be fetched, so drift is unknown.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';

export interface Pin {
  dest: string;
  url: string;
  sha256: string;
}

export interface FetchOptions {
  timeoutMs?: number;
  maxRedirects?: number;
}

export interface RunOptions extends FetchOptions {
  pins: Pin[];
  /** Replaces the https://raw.githubusercontent.com origin of every pin (a mirror). */
  baseUrl?: string;
  /** Called once per file as it finishes, for progress output. */
  onResult?: (r: FileResult) => void;
}

export type FileResult =
  | { dest: string; url: string; status: 'ok' | 'unchanged' }
  | { dest: string; url: string; status: 'changed'; expected: string; actual: string }
  | { dest: string; url: string; status: 'failed' | 'unreachable'; error: string };

const GITHUB_RAW = 'https://raw.githubusercontent.com';
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_REDIRECTS = 5;
// Largest upstream CRD is under 1 MiB; the cap only stops a broken mirror from filling memory.
const MAX_BYTES = 64 * 1024 * 1024;
const PARALLEL = 4;

/** A one-line error meant for the user: the CLI prints its message, never a stack. */
export class UserError extends Error {}

const here = dirname(fileURLToPath(import.meta.url));

/** The committed pin list, found both from the source tree and from dist/scripts. */
export function defaultPinsFile(): string {
  const candidates = [join(here, 'crd-pins.yaml'), join(here, '..', '..', 'scripts', 'crd-pins.yaml')];
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

export function defaultDest(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'virt-platform-operator', 'crds');
}

export async function loadPins(file: string): Promise<Pin[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read pin file ${file}: ${errorText(e)}`);
  }
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (e) {
    throw new UserError(`pin file ${file} is not valid YAML: ${errorText(e).split('\n')[0]}`);
  }
  const list = (doc as { crds?: unknown } | null)?.crds;
  if (!Array.isArray(list) || list.length === 0) {
    throw new UserError(`pin file ${file}: expected a non-empty "crds" list`);
  }
  const seen = new Set<string>();
  return list.map((raw: unknown, i): Pin => {
    const bad = (why: string) => new UserError(`pin file ${file}: entry ${i + 1}: ${why}`);
    const e = (raw ?? {}) as Record<string, unknown>;
    const { dest, url, sha256 } = e;
    if (typeof dest !== 'string' || !dest) throw bad('missing "dest"');
    // dest is joined onto the destination folder, so it must stay inside it.
    const norm = normalize(dest);
    if (isAbsolute(dest) || norm.split(sep).includes('..')) throw bad(`"dest" must be a relative path inside the folder: ${dest}`);
    if (seen.has(norm)) throw bad(`duplicate "dest": ${dest}`);
    seen.add(norm);
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw bad(`"url" must be an http(s) URL (${dest})`);
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) throw bad(`"sha256" must be 64 lowercase hex digits (${dest})`);
    return { dest, url, sha256 };
  });
}

export function withBaseUrl(url: string, baseUrl: string | undefined): string {
  if (!baseUrl || !url.startsWith(GITHUB_RAW + '/')) return url;
  return baseUrl.replace(/\/+$/, '') + url.slice(GITHUB_RAW.length);
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** GET a URL into memory: whole-request timeout, bounded redirects, non-2xx is an error. */
export async function download(url: string, opts: FetchOptions = {}): Promise<Buffer> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let redirectsLeft = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let current = url;
  for (;;) {
    const res = await getOnce(current, timeoutMs);
    if ('location' in res) {
      if (redirectsLeft-- <= 0) throw new Error(`too many redirects fetching ${url}`);
      current = new URL(res.location, current).href;
      continue;
    }
    return res.body;
  }
}

function getOnce(url: string, timeoutMs: number): Promise<{ body: Buffer } | { location: string }> {
  return new Promise((resolvePromise, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new Error(`invalid URL ${url}`));
      return;
    }
    const client = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : undefined;
    if (!client) {
      reject(new Error(`unsupported protocol in ${url}`));
      return;
    }
    let done = false;
    const finish = (err: Error | undefined, value?: { body: Buffer } | { location: string }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        req.destroy();
        reject(err);
      } else resolvePromise(value!);
    };
    // A total deadline, not an idle one: a server trickling bytes must not hang the run.
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs / 1000}s fetching ${url}`)), timeoutMs);
    // agent: false - no keep-alive socket may outlive the run and hold the process open.
    const req = client.get(parsed, { agent: false, headers: { 'user-agent': 'virt-platform-operator-update-crds' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        finish(undefined, { location: res.headers.location });
        return;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        finish(new Error(`HTTP ${status} ${res.statusMessage ?? ''}`.trimEnd() + ` from ${url}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BYTES) finish(new Error(`response larger than ${MAX_BYTES} bytes from ${url}`));
        else chunks.push(c);
      });
      res.on('end', () => finish(undefined, { body: Buffer.concat(chunks) }));
      res.on('error', (e) => finish(new Error(`${errorText(e)} fetching ${url}`)));
      res.on('close', () => finish(new Error(`connection closed early fetching ${url}`)));
    });
    req.on('error', (e) => finish(new Error(`${errorText(e)} fetching ${url}`)));
  });
}

/** Write via a temp file in the same folder and rename, so readers never see a partial file. */
async function writeAtomic(target: string, data: Buffer): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

async function eachPin(opts: RunOptions, work: (pin: Pin, url: string) => Promise<FileResult>): Promise<FileResult[]> {
  const results: FileResult[] = new Array<FileResult>(opts.pins.length);
  let next = 0;
  const worker = async () => {
    while (next < opts.pins.length) {
      const i = next++;
      const pin = opts.pins[i]!;
      const r = await work(pin, withBaseUrl(pin.url, opts.baseUrl));
      results[i] = r;
      opts.onResult?.(r);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, opts.pins.length) }, worker));
  return results;
}

/** Download every pin into dest; a file is written only when its hash matches the pin. */
export async function updateCrds(opts: RunOptions & { dest: string }): Promise<FileResult[]> {
  return eachPin(opts, async (pin, url) => {
    let body: Buffer;
    try {
      body = await download(url, opts);
    } catch (e) {
      return { dest: pin.dest, url, status: 'failed', error: errorText(e) };
    }
    const actual = sha256(body);
    if (actual !== pin.sha256) {
      return { dest: pin.dest, url, status: 'failed', error: `sha256 mismatch for ${pin.dest}: expected ${pin.sha256}, got ${actual} (from ${url})` };
    }
    try {
      await writeAtomic(resolve(opts.dest, pin.dest), body);
    } catch (e) {
      return { dest: pin.dest, url, status: 'failed', error: `cannot write ${pin.dest}: ${errorText(e)}` };
    }
    return { dest: pin.dest, url, status: 'ok' };
  });
}

/** Download every pin and compare with its hash; writes nothing. */
export async function verifyCrds(opts: RunOptions): Promise<FileResult[]> {
  return eachPin(opts, async (pin, url) => {
    let body: Buffer;
    try {
      body = await download(url, opts);
    } catch (e) {
      return { dest: pin.dest, url, status: 'unreachable', error: errorText(e) };
    }
    const actual = sha256(body);
    return actual === pin.sha256 ? { dest: pin.dest, url, status: 'unchanged' } : { dest: pin.dest, url, status: 'changed', expected: pin.sha256, actual };
  });
}

export function formatResult(r: FileResult): string {
  switch (r.status) {
    case 'ok':
      return `ok          ${r.dest}`;
    case 'unchanged':
      return `unchanged   ${r.dest}`;
    case 'changed':
      return `CHANGED     ${r.dest}: upstream sha256 ${r.actual}, pinned ${r.expected} (${r.url})`;
    case 'failed':
      return `FAILED      ${r.dest}: ${r.error}`;
    case 'unreachable':
      return `UNREACHABLE ${r.dest}: ${r.error}`;
  }
}

const USAGE = `usage: update-crds [--dest DIR] [--pins FILE] [--base-url URL] [--verify]
  --dest DIR      where to write the CRDs (default: \${XDG_CACHE_HOME:-$HOME/.cache}/virt-platform-operator/crds)
  --pins FILE     pin list (default: scripts/crd-pins.yaml)
  --base-url URL  mirror to use instead of https://raw.githubusercontent.com (same paths below it)
  --verify        only report pinned CRDs that changed upstream or are unreachable; write nothing`;

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        dest: { type: 'string' },
        pins: { type: 'string' },
        'base-url': { type: 'string' },
        verify: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    // parseArgs' messages are already one line ("Unknown option '--x'...").
    throw new UserError(`${errorText(e)} (see --help)`);
  }
}

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const stdio: Io = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
};

/** The CLI; returns the exit code. */
export async function main(argv: string[], io: Io = stdio, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const values = parseFlags(argv);
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const baseUrl = values['base-url'];
    if (baseUrl !== undefined && !/^https?:\/\/[^/]/.test(baseUrl)) {
      throw new UserError(`--base-url must be an http(s) URL, got "${baseUrl}"`);
    }
    if (values.dest === '') throw new UserError('--dest must not be empty');
    const pins = await loadPins(values.pins ?? defaultPinsFile());
    const common = { pins, baseUrl, onResult: (r: FileResult) => io.out(formatResult(r)) };

    if (values.verify) {
      const results = await verifyCrds(common);
      const changed = results.filter((r) => r.status === 'changed').length;
      const unreachable = results.filter((r) => r.status === 'unreachable').length;
      io.out(
        `verify: ${results.length - changed - unreachable} unchanged, ${changed} changed upstream, ${unreachable} unreachable (of ${results.length} pinned)`,
      );
      if (changed) return 1;
      return unreachable ? 3 : 0;
    }

    const dest = resolve(values.dest ?? defaultDest(env));
    const results = await updateCrds({ ...common, dest });
    const failed = results.filter((r) => r.status === 'failed').length;
    io.out(`update: ${results.length - failed} of ${results.length} CRDs written to ${dest}, ${failed} failed` + (failed ? ' (existing copies kept)' : ''));
    io.out(`CRD_DIR=${dest}`);
    return failed ? 1 : 0;
  } catch (e) {
    // Only UserError text is meant for users, but nothing here may print a stack trace.
    io.err(`update-crds: ${errorText(e)}`);
    return 2;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
