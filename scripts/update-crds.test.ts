// update-crds against a loopback HTTP server standing in for raw.githubusercontent.com.
// With ../shared/crds present the committed pin list is used as is, so this also proves every
// pinned hash matches the real upstream copy; without it, small fake CRDs and a temp pin list.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import yaml from 'js-yaml';
import { defaultPinsFile, download, loadPins, main, sha256, updateCrds, UserError, verifyCrds, type FileResult, type Pin } from './update-crds.js';

const repoRoot = dirname(dirname(defaultPinsFile()));
const sharedDir = resolve(repoRoot, '..', 'shared', 'crds');
const real = existsSync(sharedDir);

let tmp: string;
let serveRoot: string;
let pinsFile: string;
let pins: Pin[];
let server: http.Server;
let baseUrl: string;

/** Where the server keeps the file a pin points at (its URL path under serveRoot). */
const servedPath = (pin: Pin) => join(serveRoot, ...new URL(pin.url).pathname.split('/').filter(Boolean));

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

const byDest = (results: FileResult[]) => new Map(results.map((r) => [r.dest, r]));

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'update-crds-test-'));
  serveRoot = join(tmp, 'serve');
  if (real) {
    pinsFile = defaultPinsFile();
    pins = await loadPins(pinsFile);
  } else {
    pins = ['a/one.yaml', 'a/two.yaml', 'b/three.yaml'].map((dest, i) => {
      const body = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n# fake ${i}\n`;
      return { dest, url: `https://raw.githubusercontent.com/example/repo/v1.0.${i}/crds/${dest}`, sha256: sha256(body), body };
    });
    pinsFile = join(tmp, 'pins.yaml');
    await writeFile(pinsFile, yaml.dump({ crds: pins.map(({ dest, url, sha256: h }) => ({ dest, url, sha256: h })) }));
  }
  for (const pin of pins) {
    const target = servedPath(pin);
    await mkdir(dirname(target), { recursive: true });
    if (real) await copyFile(join(sharedDir, pin.dest), target);
    else await writeFile(target, (pin as Pin & { body: string }).body);
  }

  server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path.startsWith('/hang/')) return; // never answers: exercises the timeout
    const redirect = /^\/redirect\/(\d+)(\/.*)$/.exec(path);
    if (redirect) {
      const n = Number(redirect[1]);
      res.writeHead(302, { location: n > 1 ? `/redirect/${n - 1}${redirect[2]}` : redirect[2] }).end();
      return;
    }
    const file = resolve(serveRoot, '.' + path);
    if (!file.startsWith(serveRoot + sep)) return void res.writeHead(403).end();
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': 'text/plain' }).end(body),
      () => res.writeHead(404).end('404: Not Found'),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
  await rm(tmp, { recursive: true, force: true });
});

describe('pin list', () => {
  it('the committed pin list loads, and every URL is a raw.githubusercontent.com file at a ref', async () => {
    const committed = await loadPins(defaultPinsFile());
    assert.ok(committed.length > 0);
    for (const pin of committed) {
      assert.match(pin.url, /^https:\/\/raw\.githubusercontent\.com\/[\w.-]+\/[\w.-]+\/[\w.-]+\/.+\.ya?ml$/, pin.url);
    }
  });

  it('pins exactly the CRD files in ../shared/crds', { skip: !real && 'no ../shared/crds' }, async () => {
    const shared = (await listFiles(sharedDir)).filter((f) => f.endsWith('.yaml'));
    assert.deepEqual(pins.map((p) => p.dest).sort(), shared);
  });

  it('rejects a bad pin file with a one-line message naming it', async () => {
    const cases: Array<[string, RegExp]> = [
      ['crds: [\n', /not valid YAML/],
      ['other: 1\n', /non-empty "crds" list/],
      ['crds:\n- {dest: x.yaml, url: "https://h/x", sha256: abc}\n', /entry 1: "sha256" must be 64/],
      [`crds:\n- {dest: ../x.yaml, url: "https://h/x", sha256: ${'a'.repeat(64)}}\n`, /inside the folder/],
      [`crds:\n- {dest: /x.yaml, url: "https://h/x", sha256: ${'a'.repeat(64)}}\n`, /inside the folder/],
      [`crds:\n- {dest: x.yaml, url: "ftp://h/x", sha256: ${'a'.repeat(64)}}\n`, /"url" must be an http/],
      [
        `crds:\n- {dest: x.yaml, url: "https://h/x", sha256: ${'a'.repeat(64)}}\n- {dest: ./x.yaml, url: "https://h/y", sha256: ${'b'.repeat(64)}}\n`,
        /duplicate "dest"/,
      ],
    ];
    const file = join(tmp, 'bad-pins.yaml');
    for (const [text, why] of cases) {
      await writeFile(file, text);
      await assert.rejects(
        loadPins(file),
        (e: Error) => e instanceof UserError && why.test(e.message) && e.message.includes(file) && !e.message.includes('\n'),
        text,
      );
    }
    await assert.rejects(loadPins(join(tmp, 'missing.yaml')), /cannot read pin file .*missing\.yaml/);
  });
});

describe('update and verify', () => {
  let dest: string;
  before(() => {
    dest = join(tmp, 'dest');
  });

  it('a full update writes every pinned file with the right content and hash', async () => {
    const results = await updateCrds({ pins, dest, baseUrl });
    assert.deepEqual(
      results.map((r) => r.status),
      pins.map(() => 'ok'),
    );
    assert.deepEqual(await listFiles(dest), pins.map((p) => p.dest).sort(), 'no temp files left behind');
    for (const pin of pins) {
      const written = await readFile(join(dest, pin.dest));
      assert.equal(sha256(written), pin.sha256, pin.dest);
      assert.deepEqual(written, await readFile(servedPath(pin)), pin.dest);
    }
  });

  it('--verify passes when nothing changed upstream, and writes nothing', async () => {
    const results = await verifyCrds({ pins, baseUrl });
    assert.deepEqual(
      results.map((r) => r.status),
      pins.map(() => 'unchanged'),
    );

    const xdg = join(tmp, 'xdg-verify');
    const c = capture();
    assert.equal(await main(['--verify', '--pins', pinsFile, '--base-url', baseUrl], c.io, { XDG_CACHE_HOME: xdg }), 0);
    assert.equal(c.out.length, pins.length + 1);
    assert.match(c.out.at(-1)!, new RegExp(`${pins.length} unchanged, 0 changed upstream, 0 unreachable`));
    assert.equal(existsSync(xdg), false);
  });

  it('a file changed upstream: --verify reports exactly it, update refuses it and keeps the good copy', async () => {
    const victim = pins[Math.floor(pins.length / 2)]!;
    const served = servedPath(victim);
    const original = await readFile(served);
    const tampered = Buffer.concat([original, Buffer.from('# changed upstream\n')]);
    await writeFile(served, tampered);
    try {
      const verified = await verifyCrds({ pins, baseUrl });
      const changed = verified.filter((r) => r.status !== 'unchanged');
      assert.deepEqual(changed, [
        { dest: victim.dest, url: baseUrl + new URL(victim.url).pathname, status: 'changed', expected: victim.sha256, actual: sha256(tampered) },
      ]);

      const c = capture();
      assert.equal(await main(['--verify', '--pins', pinsFile, '--base-url', baseUrl], c.io), 1);
      assert.deepEqual(c.out.filter((l) => l.startsWith('CHANGED')).length, 1);
      assert.ok(c.out.some((l) => l.startsWith('CHANGED') && l.includes(victim.dest) && l.includes(sha256(tampered))));

      const results = byDest(await updateCrds({ pins, dest, baseUrl }));
      const refused = results.get(victim.dest);
      assert.equal(refused?.status, 'failed');
      assert.ok(refused.status === 'failed');
      assert.match(refused.error, new RegExp(`sha256 mismatch for ${victim.dest.replace(/\./g, '\\.')}: expected ${victim.sha256}, got ${sha256(tampered)}`));
      for (const pin of pins) if (pin !== victim) assert.equal(results.get(pin.dest)?.status, 'ok', pin.dest);
      assert.deepEqual(await readFile(join(dest, victim.dest)), original, 'previous good copy kept');
      assert.deepEqual(await listFiles(dest), pins.map((p) => p.dest).sort(), 'no temp files left behind');

      const cli = capture();
      assert.equal(await main(['--dest', dest, '--pins', pinsFile, '--base-url', baseUrl], cli.io), 1);
      assert.match(cli.out.at(-2)!, new RegExp(`${pins.length - 1} of ${pins.length} CRDs written .* 1 failed`));
    } finally {
      await writeFile(served, original);
    }
  });

  it('a 404 is reported clearly and keeps the existing copy', async () => {
    const victim = pins[0]!;
    const served = servedPath(victim);
    const kept = await readFile(join(dest, victim.dest));
    await rename(served, served + '.away');
    try {
      const updated = byDest(await updateCrds({ pins, dest, baseUrl }));
      const r = updated.get(victim.dest);
      assert.ok(r?.status === 'failed');
      assert.match(r.error, /^HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\//);
      assert.deepEqual(await readFile(join(dest, victim.dest)), kept);

      const verified = byDest(await verifyCrds({ pins, baseUrl }));
      assert.equal(verified.get(victim.dest)?.status, 'unreachable');
      const c = capture();
      // Nothing changed, but drift is unknown for one file: a distinct exit code.
      assert.equal(await main(['--verify', '--pins', pinsFile, '--base-url', baseUrl], c.io), 3);
      assert.ok(c.out.some((l) => l.startsWith('UNREACHABLE') && l.includes(victim.dest) && l.includes('HTTP 404')));
    } finally {
      await rename(served + '.away', served);
    }
  });

  it('an unreachable server fails every file with the network error', async () => {
    const closed = http.createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((ok) => closed.close(ok));

    const other = join(tmp, 'dest-unreachable');
    const results = await updateCrds({ pins, dest: other, baseUrl: `http://127.0.0.1:${port}` });
    for (const r of results) {
      assert.ok(r.status === 'failed');
      assert.match(r.error, /ECONNREFUSED/);
    }
    assert.deepEqual(await listFiles(other), []);

    const c = capture();
    assert.equal(await main(['--dest', other, '--pins', pinsFile, '--base-url', `http://127.0.0.1:${port}`], c.io), 1);
    assert.ok(c.out.every((l) => !l.includes('\n') && !/^\s+at /.test(l)));
    assert.equal(c.out.at(-1), `CRD_DIR=${other}`);
  });
});

describe('download', () => {
  it('follows up to 5 redirects, refuses a 6th', async () => {
    const pin = pins[0]!;
    const path = new URL(pin.url).pathname;
    assert.equal(sha256(await download(`${baseUrl}/redirect/5${path}`)), pin.sha256);
    await assert.rejects(download(`${baseUrl}/redirect/6${path}`), /too many redirects/);
  });

  it('times out a server that never answers', async () => {
    await assert.rejects(download(`${baseUrl}/hang/x`, { timeoutMs: 200 }), /timed out after 0\.2s/);
  });
});

describe('CLI', () => {
  it('updates into --dest and prints CRD_DIR', async () => {
    const dest = join(tmp, 'cli-dest');
    const c = capture();
    assert.equal(await main(['--dest', dest, '--pins', pinsFile, '--base-url', baseUrl + '/'], c.io), 0);
    assert.equal(c.out.filter((l) => l.startsWith('ok ')).length, pins.length);
    assert.equal(c.out.at(-1), `CRD_DIR=${dest}`);
    assert.deepEqual(c.err, []);
  });

  it('defaults --dest to $XDG_CACHE_HOME/virt-platform-operator/crds', async () => {
    const xdg = join(tmp, 'xdg');
    const c = capture();
    assert.equal(await main(['--pins', pinsFile, '--base-url', baseUrl], c.io, { XDG_CACHE_HOME: xdg }), 0);
    const expected = join(xdg, 'virt-platform-operator', 'crds');
    assert.equal(c.out.at(-1), `CRD_DIR=${expected}`);
    assert.deepEqual(await listFiles(expected), pins.map((p) => p.dest).sort());
  });

  it('bad flags and an unreadable pin file give one clear line and exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--bogus'], /Unknown option '--bogus'/],
      [['stray'], /Unexpected argument 'stray'/],
      [['--dest'], /--dest/],
      [['--base-url', 'ftp://mirror'], /--base-url must be an http\(s\) URL/],
      [['--pins', join(tmp, 'nope.yaml')], /cannot read pin file/],
    ];
    for (const [argv, why] of cases) {
      const c = capture();
      assert.equal(await main(argv, c.io), 2, argv.join(' '));
      assert.equal(c.err.length, 1, argv.join(' '));
      assert.match(c.err[0]!, /^update-crds: /);
      assert.match(c.err[0]!, why);
      assert.doesNotMatch(c.err[0]!, /\n|\s+at /);
    }
  });
});
