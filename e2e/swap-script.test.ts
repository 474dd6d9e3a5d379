// The swap node script (assets/machine-config/swap/virt-platform-swap.sh) run for real against a
// fake /proc and /sys tree, with fallocate, mkswap, swapon and df replaced by small fakes that
// record their calls and fail on demand. Whatever happens, it exits 0 (the node boots and the
// kubelet starts) and never leaves a partial swap file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { repoPath } from '../scripts/repo.js';

const SCRIPT = repoPath('assets/machine-config/swap/virt-platform-swap.sh');

// Each fake logs "name args" to $CALLS and obeys FAIL_<NAME>=1.
const FAKES: Record<string, string> = {
  fallocate: 'echo "fallocate $*" >> "$CALLS"; eval "f=\\${$#}"; : > "$f"; [ -z "${FAIL_FALLOCATE:-}" ]',
  mkswap: 'echo "mkswap $*" >> "$CALLS"; [ -z "${FAIL_MKSWAP:-}" ]',
  swapon: 'echo "swapon $*" >> "$CALLS"; [ -z "${FAIL_SWAPON:-}" ]',
  df: 'echo "Filesystem 1024-blocks Used Available Capacity Mounted on"; echo "/dev/x ${DF_TOTAL_KIB} 0 ${DF_AVAIL_KIB} 1% /var"',
};

interface Node {
  root: string;
  swapfile: string;
  calls(): string[];
  run(env?: Record<string, string>): { status: number | null; stderr: string };
}

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function node(opts: { memKib?: number; activeSwap?: string[]; cgroupV2?: boolean } = {}): Node {
  const root = mkdtempSync(join(tmpdir(), 'vpo-swapnode-'));
  roots.push(root);
  mkdirSync(join(root, 'proc'));
  mkdirSync(join(root, 'sys/fs/cgroup'), { recursive: true });
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'proc/meminfo'), `MemTotal:       ${opts.memKib ?? 16_000_000} kB\nMemFree:         1000 kB\n`);
  writeFileSync(
    join(root, 'proc/swaps'),
    ['Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority', ...(opts.activeSwap ?? []).map((s) => `${s}\tpartition\t8388604\t0\t-2`)].join('\n') + '\n',
  );
  if (opts.cgroupV2 ?? true) writeFileSync(join(root, 'sys/fs/cgroup/cgroup.controllers'), 'cpu memory io\n');
  for (const [name, body] of Object.entries(FAKES)) {
    writeFileSync(join(root, 'bin', name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(root, 'bin', name), 0o755);
  }
  const swapfile = join(root, 'var/lib/virt-platform/swapfile');
  return {
    root,
    swapfile,
    calls: () => (existsSync(join(root, 'calls')) ? readFileSync(join(root, 'calls'), 'utf8').trim().split('\n') : []),
    run: (env = {}) => {
      const r = spawnSync('sh', [SCRIPT], {
        env: {
          PATH: `${join(root, 'bin')}:/usr/bin:/bin`,
          VPS_ROOT: root,
          SWAPFILE: swapfile,
          CALLS: join(root, 'calls'),
          OVERCOMMIT_PERCENT: '150',
          DF_TOTAL_KIB: '100000000',
          DF_AVAIL_KIB: '90000000',
          ...env,
        },
        encoding: 'utf8',
        timeout: 30_000,
      });
      return { status: r.status, stderr: r.stderr };
    },
  };
}

describe('virt-platform-swap node script', () => {
  it('passes sh -n and bash -n', () => {
    for (const sh of ['sh', 'bash']) assert.equal(spawnSync(sh, ['-n', SCRIPT]).status, 0, sh);
  });

  it('fresh node: a file of RAM x (overcommit - 100%), made under a temporary name, then enabled', () => {
    const n = node({ memKib: 16_000_000 });
    const r = n.run();
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(n.calls(), [`fallocate -l 8000000K ${n.swapfile}.partial`, `mkswap ${n.swapfile}.partial`, `swapon ${n.swapfile}`]);
    assert.ok(existsSync(n.swapfile) && !existsSync(`${n.swapfile}.partial`));
    assert.match(r.stderr, /created and enabled/);
  });

  it('pre-provisioned swap is honoured: nothing created', () => {
    const n = node({ activeSwap: ['/dev/sdb2'] });
    const r = n.run();
    assert.equal(r.status, 0);
    assert.deepEqual(n.calls(), []);
    assert.match(r.stderr, /already active, kept as is: \/dev\/sdb2/);
  });

  it('disk full: fallocate fails, the partial file is removed, boot goes on', () => {
    const n = node();
    const r = n.run({ FAIL_FALLOCATE: '1' });
    assert.equal(r.status, 0);
    assert.ok(!existsSync(n.swapfile) && !existsSync(`${n.swapfile}.partial`), 'no swap file, no partial file');
    assert.deepEqual(n.calls(), [`fallocate -l 8000000K ${n.swapfile}.partial`]);
    assert.match(r.stderr, /could not create/);
  });

  it('mkswap failure: no partial file left either', () => {
    const n = node();
    assert.equal(n.run({ FAIL_MKSWAP: '1' }).status, 0);
    assert.ok(!existsSync(n.swapfile) && !existsSync(`${n.swapfile}.partial`));
  });

  it('not enough free space (a fifth of the filesystem must stay free): fallocate never runs', () => {
    const n = node({ memKib: 16_000_000 });
    const r = n.run({ DF_TOTAL_KIB: '100000000', DF_AVAIL_KIB: '27000000' });
    assert.equal(r.status, 0);
    assert.deepEqual(n.calls(), []);
    assert.match(r.stderr, /not enough free space/);
  });

  it('a file made on an earlier boot is only enabled; a broken one is replaced', () => {
    const n = node();
    mkdirSync(join(n.swapfile, '..'), { recursive: true });
    writeFileSync(n.swapfile, '');
    assert.equal(n.run().status, 0);
    assert.deepEqual(n.calls(), [`swapon ${n.swapfile}`]);

    const m = node();
    mkdirSync(join(m.swapfile, '..'), { recursive: true });
    writeFileSync(m.swapfile, 'half a file');
    assert.equal(m.run({ FAIL_SWAPON: '1' }).status, 0);
    assert.deepEqual(m.calls(), [
      `swapon ${m.swapfile}`,
      `fallocate -l 8000000K ${m.swapfile}.partial`,
      `mkswap ${m.swapfile}.partial`,
      `swapon ${m.swapfile}`,
    ]);
  });

  it('cgroup v1, no overcommit, unreadable settings: nothing done, exit 0', () => {
    for (const [opts, env, why] of [
      [{ cgroupV2: false }, {}, /cgroup v2 is not in use/],
      [{}, { OVERCOMMIT_PERCENT: '100' }, /not overcommitted/],
      [{}, { OVERCOMMIT_PERCENT: '15O' }, /not a number/],
    ] as const) {
      const n = node(opts);
      const r = n.run(env);
      assert.equal(r.status, 0);
      assert.deepEqual(n.calls(), []);
      assert.match(r.stderr, why);
    }
    const n = node();
    writeFileSync(join(n.root, 'proc/meminfo'), 'garbage\n');
    const r = n.run();
    assert.equal(r.status, 0);
    assert.match(r.stderr, /cannot read MemTotal/);
  });

  it("the Go autopilot's pre-provisioned swap (OCPSWAP partition, /var/tmp/ocpswap.file) is enabled, nothing created", () => {
    for (const pre of ['dev/disk/by-partlabel/OCPSWAP', 'var/tmp/ocpswap.file']) {
      const n = node();
      mkdirSync(join(n.root, pre, '..'), { recursive: true });
      writeFileSync(join(n.root, pre), '');
      const r = n.run();
      assert.equal(r.status, 0);
      assert.deepEqual(n.calls(), [`swapon ${join(n.root, pre)}`]);
      assert.match(r.stderr, /enabled pre-provisioned swap/);
    }
  });
});
