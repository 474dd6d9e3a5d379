// The node scripts of the memory-density and VM-drain MachineConfigs, run for real against fake
// /proc, /sys and kubelet trees, with the programs they call (systemctl, crictl, curl, openssl,
// systemd-inhibit, gdbus, df) replaced by small fakes that record their calls and fail on demand.
// Whatever goes wrong, each script exits 0 within its bound: nothing on a node's boot path waits
// for them, and a failure must never keep a node from booting.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { repoPath } from '../scripts/repo.js';

const script = (p: string): string => repoPath(`assets/machine-config/${p}`);
const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

interface Tree {
  root: string;
  put(path: string, text: string): void;
  read(path: string): string;
  fake(name: string, body: string): void;
  calls(): string[];
  run(scriptPath: string, args?: string[], env?: Record<string, string>, timeoutMs?: number): { status: number | null; stderr: string; ms: number };
}

function tree(): Tree {
  const root = mkdtempSync(join(tmpdir(), 'vpo-node-'));
  roots.push(root);
  mkdirSync(join(root, 'bin'));
  const t: Tree = {
    root,
    put: (p, text) => {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), text);
    },
    read: (p) => readFileSync(join(root, p), 'utf8').trim(),
    fake: (name, body) => {
      writeFileSync(join(root, 'bin', name), `#!/bin/sh\necho "${name} $*" >> "${join(root, 'calls')}"\n${body}\n`);
      chmodSync(join(root, 'bin', name), 0o755);
    },
    calls: () => (existsSync(join(root, 'calls')) ? readFileSync(join(root, 'calls'), 'utf8').trim().split('\n') : []),
    run: (s, args = [], env = {}, timeoutMs = 30_000) => {
      const start = Date.now();
      const r = spawnSync('sh', [s, ...args], {
        env: { PATH: `${join(root, 'bin')}:/usr/bin:/bin`, VPS_ROOT: root, TMPDIR: root, ...env },
        encoding: 'utf8',
        timeout: timeoutMs,
      });
      return { status: r.status, stderr: r.stderr, ms: Date.now() - start };
    },
  };
  return t;
}

const meminfo = (totalKib: number, availKib = totalKib / 2): string =>
  `MemTotal:       ${totalKib} kB\nMemFree:        1000 kB\nMemAvailable:   ${availKib} kB\n`;

describe('node scripts: syntax', () => {
  for (const s of [
    'ksm/virt-platform-ksm.sh',
    'thp/virt-platform-thp.sh',
    'swap-hygiene/virt-platform-swap-hygiene.sh',
    'vm-drain/virt-platform-vm-drain.sh',
  ]) {
    it(`${s} passes sh -n and bash -n`, () => {
      for (const sh of ['sh', 'bash']) assert.equal(spawnSync(sh, ['-n', script(s)]).status, 0, sh);
    });
  }
});

describe('virt-platform-ksm: zero pages only, scan rate by memory pressure', () => {
  const ksmTree = (availPct: number, zeroOnly = true): Tree => {
    const t = tree();
    t.put('proc/meminfo', meminfo(100_000_000, availPct * 1_000_000));
    for (const [f, v] of Object.entries({
      run: '0',
      pages_to_scan: '100',
      sleep_millisecs: '20',
      use_zero_pages: '0',
      ...(zeroOnly ? { redhat_only_zero_pages: '0' } : {}),
    }))
      t.put(`sys/kernel/mm/ksm/${f}`, v);
    return t;
  };
  const state = (t: Tree) =>
    ['run', 'redhat_only_zero_pages', 'use_zero_pages', 'pages_to_scan', 'sleep_millisecs'].map((f) => t.read(`sys/kernel/mm/ksm/${f}`)).join(' ');

  it('relaxed with memory to spare, faster under pressure; the same answer on every run', () => {
    for (const [pct, expect, band] of [
      [60, '1 1 1 100 200', /relaxed/],
      [30, '1 1 1 500 50', /moderate/],
      [10, '1 1 1 1000 20', /pressure/],
    ] as const) {
      const t = ksmTree(pct);
      const r = t.run(script('ksm/virt-platform-ksm.sh'));
      assert.equal(r.status, 0, r.stderr);
      assert.equal(state(t), expect, `${pct}%`);
      assert.match(r.stderr, band);
      assert.equal(t.run(script('ksm/virt-platform-ksm.sh')).status, 0);
      assert.equal(state(t), expect, 'idempotent');
    }
  });

  it('a kernel that cannot limit KSM to zero pages: KSM is left alone', () => {
    const t = ksmTree(10, false);
    const r = t.run(script('ksm/virt-platform-ksm.sh'));
    assert.equal(r.status, 0);
    assert.equal(t.read('sys/kernel/mm/ksm/run'), '0');
    assert.match(r.stderr, /cannot limit KSM to zero pages/);
  });

  it('failures never fail the unit: no KSM, unreadable meminfo, an unwritable switch', () => {
    const none = tree();
    assert.equal(none.run(script('ksm/virt-platform-ksm.sh')).status, 0);
    const garbage = ksmTree(50);
    garbage.put('proc/meminfo', 'garbage\n');
    assert.match(garbage.run(script('ksm/virt-platform-ksm.sh')).stderr, /cannot read MemTotal/);
    const broken = ksmTree(50);
    rmSync(join(broken.root, 'sys/kernel/mm/ksm/run'));
    mkdirSync(join(broken.root, 'sys/kernel/mm/ksm/run'));
    const r = broken.run(script('ksm/virt-platform-ksm.sh'));
    assert.equal(r.status, 0);
    assert.match(r.stderr, /KSM could not be started/);
  });
});

describe('virt-platform-thp: madvise for guest memory, a gentler khugepaged', () => {
  const thpTree = (gib: number): Tree => {
    const t = tree();
    t.put('proc/meminfo', meminfo(gib * 1_048_576));
    t.put('sys/kernel/mm/transparent_hugepage/enabled', '[always] madvise never');
    t.put('sys/kernel/mm/transparent_hugepage/defrag', 'always defer defer+madvise [madvise] never');
    t.put('sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan', '4096');
    t.put('sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs', '10000');
    return t;
  };
  it('sets madvise and a scan interval by node size', () => {
    for (const [gib, sleep] of [
      [64, '20000'],
      [512, '10000'],
      [4096, '5000'],
    ] as const) {
      const t = thpTree(gib);
      const r = t.run(script('thp/virt-platform-thp.sh'));
      assert.equal(r.status, 0, r.stderr);
      assert.equal(t.read('sys/kernel/mm/transparent_hugepage/enabled'), 'madvise');
      assert.equal(t.read('sys/kernel/mm/transparent_hugepage/defrag'), 'always defer defer+madvise [madvise] never', 'already madvise: not rewritten');
      assert.equal(t.read('sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs'), sleep, `${gib} GiB`);
    }
  });
  it('no THP in the kernel, or no khugepaged: exit 0, the rest still set', () => {
    assert.equal(tree().run(script('thp/virt-platform-thp.sh')).status, 0);
    const t = thpTree(64);
    rmSync(join(t.root, 'sys/kernel/mm/transparent_hugepage/khugepaged'), { recursive: true });
    const r = t.run(script('thp/virt-platform-thp.sh'));
    assert.equal(r.status, 0);
    assert.equal(t.read('sys/kernel/mm/transparent_hugepage/enabled'), 'madvise');
    assert.match(r.stderr, /not writable: skipped/);
  });
});

describe('virt-platform-swap-hygiene: watermarks sized to the node, io.latency on the swap and root disks', () => {
  const hygieneTree = (opts: { minFree?: string; scale?: string } = {}): Tree => {
    const t = tree();
    t.put('proc/meminfo', meminfo(16 * 1_048_576));
    t.put('proc/sys/vm/min_free_kbytes', opts.minFree ?? '67584');
    t.put('proc/sys/vm/watermark_scale_factor', opts.scale ?? '10');
    t.put('proc/swaps', 'Filename\tType\tSize\tUsed\tPriority\n/dev/sda2\tpartition\t8388604\t0\t-2\n/dev/zram0\tpartition\t100\t0\t5\n');
    t.put('proc/mounts', '/dev/mapper/root / xfs rw 0 0\n');
    // sda2 is a partition of sda; the root volume dm-0 sits on sdb1 (a partition of sdb).
    t.put('sys/devices/pci0/block/sda/sda2/partition', '2');
    t.put('sys/devices/pci0/block/sdb/sdb1/partition', '1');
    t.put('sys/devices/virtual/block/dm-0/slaves/sdb1', '');
    mkdirSync(join(t.root, 'sys/class/block'), { recursive: true });
    symlinkSync('../../devices/pci0/block/sda/sda2', join(t.root, 'sys/class/block/sda2'));
    symlinkSync('../../devices/pci0/block/sdb/sdb1', join(t.root, 'sys/class/block/sdb1'));
    symlinkSync('../../devices/virtual/block/dm-0', join(t.root, 'sys/class/block/dm-0'));
    t.put('dev/dm-0', '');
    mkdirSync(join(t.root, 'dev/mapper'), { recursive: true });
    symlinkSync('../dm-0', join(t.root, 'dev/mapper/root'));
    t.fake('systemctl', '[ -z "${FAIL_SYSTEMCTL:-}" ]');
    return t;
  };

  it('16 GiB: min_free_kbytes 0.5 % of RAM, a scale factor for eviction + runway; both disks protected', () => {
    const t = hygieneTree();
    const r = t.run(script('swap-hygiene/virt-platform-swap-hygiene.sh'));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(t.read('proc/sys/vm/min_free_kbytes'), '83886');
    assert.equal(t.read('proc/sys/vm/watermark_scale_factor'), '217');
    assert.deepEqual(t.calls(), [
      'systemctl set-property --runtime system.slice IODeviceLatencyTargetSec=/dev/sda 10ms',
      'systemctl set-property --runtime kubepods.slice IODeviceLatencyTargetSec=/dev/sda 50ms',
      'systemctl set-property --runtime system.slice IODeviceLatencyTargetSec=/dev/sdb 10ms',
      'systemctl set-property --runtime kubepods.slice IODeviceLatencyTargetSec=/dev/sdb 50ms',
    ]);
  });

  it("never lowers an admin's larger values", () => {
    const t = hygieneTree({ minFree: '500000', scale: '300' });
    const r = t.run(script('swap-hygiene/virt-platform-swap-hygiene.sh'));
    assert.equal(r.status, 0);
    assert.equal(t.read('proc/sys/vm/min_free_kbytes'), '500000');
    assert.equal(t.read('proc/sys/vm/watermark_scale_factor'), '300');
    assert.match(r.stderr, /kept/);
  });

  it('systemctl failing, sysctls unwritable, no disks found: exit 0', () => {
    const t = hygieneTree();
    rmSync(join(t.root, 'proc/sys/vm/min_free_kbytes'));
    mkdirSync(join(t.root, 'proc/sys/vm/min_free_kbytes'));
    const r = t.run(script('swap-hygiene/virt-platform-swap-hygiene.sh'), [], { FAIL_SYSTEMCTL: '1' });
    assert.equal(r.status, 0);
    assert.match(r.stderr, /could not set io.latency targets on \/dev\/sda/);
    const empty = tree();
    empty.put('proc/meminfo', 'garbage');
    const e = empty.run(script('swap-hygiene/virt-platform-swap-hygiene.sh'));
    assert.equal(e.status, 0);
    assert.match(e.stderr, /no disk found/);
  });
});

describe('virt-platform-vm-drain: cordon, evict VM pods, wait - bounded, never blocking', () => {
  // crictl aligns its columns (tabwriter): the script reads NAME and NAMESPACE by the header's offsets.
  const row = (cells: string[]): string => cells.map((c, i) => c.padEnd([20, 17, 8, 29, 12, 10, 0][i]!)).join('');
  const POD_TABLE = row(['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME']);
  const drainTree = (pods: string[], node = '{"spec":{}}'): Tree => {
    const t = tree();
    t.put(
      'var/lib/kubelet/kubeconfig',
      `apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: ${Buffer.from('CA').toString('base64')}\n    server: https://api-int.example:6443\nusers:\n- user:\n    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem\n`,
    );
    t.put('var/lib/kubelet/pki/kubelet-client-current.pem', 'cert');
    t.put(
      'pods',
      pods.map((p, i) => row([`abc${i}`, '2 minutes ago', 'Ready', p.split('/')[1]!, p.split('/')[0]!, '0', '(default)'])).join('\n') +
        (pods.length ? '\n' : ''),
    );
    t.put('node.json', node);
    t.fake('openssl', 'echo "subject=O = system:nodes, CN = system:node:worker-0"');
    t.fake('crictl', `echo "${POD_TABLE}"; cat "${join(t.root, 'pods')}"`);
    // The API server: GET answers the Node; an eviction of a migratable VM's pod is refused (429)
    // while KubeVirt migrates it, and the pod is gone on the next round (MIGRATE_AFTER rounds).
    t.fake(
      'curl',
      `[ -n "\${FAIL_API:-}" ] && exit 7
       url=""; method=GET; for a in "$@"; do url="$a"; done
       while [ $# -gt 0 ]; do [ "$1" = -X ] && method="$2"; shift; done
       case "$method $url" in
         "GET "*/nodes/*) cat "${join(t.root, 'node.json')}" ;;
         "POST "*/eviction) name=$(echo "$url" | sed 's#.*/pods/\\([^/]*\\)/eviction#\\1#'); grep -v " $name " "${join(t.root, 'pods')}" > "${join(t.root, 'pods.new')}"; [ -n "\${STUCK:-}" ] || mv "${join(t.root, 'pods.new')}" "${join(t.root, 'pods')}"; exit 22 ;;
       esac`,
    );
    return t;
  };
  const env = { POLL: '0', DRAIN_TIMEOUT: '5' };

  it('cordons (noting it), evicts every VM pod and returns once none is left', () => {
    const t = drainTree(['vms/virt-launcher-a-x1', 'db/virt-launcher-b-y2']);
    const r = t.run(script('vm-drain/virt-platform-vm-drain.sh'), ['drain'], env);
    assert.equal(r.status, 0, r.stderr);
    const calls = t.calls().filter((c) => c.startsWith('curl'));
    assert.match(calls[0]!, /-X GET .*\/api\/v1\/nodes\/worker-0$/);
    assert.match(calls[1]!, /-X PATCH .*"platform.kubevirt.io\/vm-drain-cordoned":"true".*"unschedulable":true.*\/api\/v1\/nodes\/worker-0$/);
    assert.ok(calls.some((c) => /-X POST .*\/api\/v1\/namespaces\/vms\/pods\/virt-launcher-a-x1\/eviction$/.test(c)));
    assert.ok(calls.some((c) => /-X POST .*\/api\/v1\/namespaces\/db\/pods\/virt-launcher-b-y2\/eviction$/.test(c)));
    assert.match(r.stderr, /no VM runs on worker-0 any more/);
  });

  it('a node someone else cordoned is not marked (so it is never un-cordoned by us)', () => {
    const t = drainTree([], '{"spec":{"unschedulable": true}}');
    const r = t.run(script('vm-drain/virt-platform-vm-drain.sh'), ['drain'], env);
    assert.equal(r.status, 0);
    assert.ok(!t.calls().some((c) => c.includes('PATCH')));
    assert.match(r.stderr, /already cordoned/);
  });

  it('VMs that never leave: gives up after DRAIN_TIMEOUT, exit 0', () => {
    const t = drainTree(['vms/virt-launcher-stuck-1']);
    const r = t.run(script('vm-drain/virt-platform-vm-drain.sh'), ['drain'], { POLL: '1', DRAIN_TIMEOUT: '2', STUCK: '1' });
    assert.equal(r.status, 0);
    assert.match(r.stderr, /gave up after 2 s; still running: vms\/virt-launcher-stuck-1/);
    assert.ok(r.ms < 10_000, `bounded (${r.ms} ms)`);
  });

  it('API server unreachable or no kubeconfig: the shutdown is not held, exit 0 at once', () => {
    const t = drainTree(['vms/virt-launcher-a-x1']);
    const r = t.run(script('vm-drain/virt-platform-vm-drain.sh'), ['drain'], { ...env, FAIL_API: '1' });
    assert.equal(r.status, 0);
    assert.match(r.stderr, /left to the normal shutdown/);
    const none = tree();
    const n = none.run(script('vm-drain/virt-platform-vm-drain.sh'), ['drain'], env);
    assert.equal(n.status, 0);
    assert.match(n.stderr, /no kubeconfig/);
  });

  it('watch: lifts its own cordon after boot, holds the inhibitor, drains on PrepareForShutdown and releases at once', () => {
    const t = drainTree(
      ['vms/virt-launcher-a-x1'],
      '{"metadata":{"annotations":{"platform.kubevirt.io/vm-drain-cordoned": "true"}},"spec":{"unschedulable": true}}',
    );
    t.fake('systemd-inhibit', 'while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do shift; done; exec "$@"');
    t.fake('gdbus', 'echo "/org/freedesktop/login1: org.freedesktop.login1.Manager.PrepareForShutdown (true,)"; exec sleep 60');
    const r = t.run(script('vm-drain/virt-platform-vm-drain.sh'), ['watch'], env, 20_000);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.ms < 15_000, `the monitor is stopped once drained (${r.ms} ms)`);
    const calls = t.calls();
    assert.ok(calls.some((c) => c.startsWith('systemd-inhibit --what=shutdown --mode=delay')));
    assert.ok(
      calls.some((c) => /PATCH .*"platform.kubevirt.io\/vm-drain-cordoned":null.*"unschedulable":false/.test(c)),
      'un-cordoned after boot',
    );
    assert.ok(
      calls.some((c) => /POST .*virt-launcher-a-x1\/eviction/.test(c)),
      `drained on PrepareForShutdown: ${r.stderr} ${calls.join('\n')}`,
    );
    assert.match(r.stderr, /shutdown requested: draining/);
  });

  it('watch without systemd-inhibit or gdbus: exit 0 (ExecStop drains on the way down)', () => {
    const t = drainTree([]);
    const r = t.run(script('vm-drain/virt-platform-vm-drain.sh'), ['watch'], { ...env, PATH: `${join(t.root, 'bin')}:/usr/bin:/bin`, POLL: '0' }, 20_000);
    assert.equal(r.status, 0);
    if (spawnSync('sh', ['-c', 'command -v gdbus || command -v systemd-inhibit']).status !== 0)
      assert.match(r.stderr, /missing; the drain runs when the service stops/);
  });
});
