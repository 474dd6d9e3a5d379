// systemd's own judgement of the units a MachineConfig installs: `systemd-analyze verify` over a
// scratch root that holds the units, their drop-ins and the files the same Ignition config
// writes. systemd-analyze comes from Debian's systemd package, installed here when missing (CI
// runs as root on a fresh machine); without apt the check fails with a message saying so.
import { execFile } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { IgnitionFacts } from './go-validator.js';

const exec = promisify(execFile);

function onPath(cmd: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(d, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

let installing: Promise<string> | undefined;

/** The path of systemd-analyze, installing Debian's systemd package first when it is missing. */
export function ensureSystemdAnalyze(): Promise<string> {
  installing ??= (async () => {
    const found = onPath('systemd-analyze');
    if (found) return found;
    const apt = onPath('apt-get');
    if (!apt || process.getuid?.() !== 0) {
      throw new Error(
        'systemd-analyze is not installed and cannot be installed here (needs apt-get, as root): install the Debian package "systemd" to run the unit checks',
      );
    }
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const opts = { env, timeout: 600_000, maxBuffer: 16 << 20 };
    try {
      await exec(apt, ['-o', 'DPkg::Lock::Timeout=300', 'update', '-qq'], opts);
      await exec(apt, ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-qq', '--no-install-recommends', 'systemd'], opts);
    } catch (e) {
      throw new Error(`installing Debian's systemd package (for systemd-analyze) failed: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}`);
    }
    const after = onPath('systemd-analyze');
    if (!after) throw new Error('the systemd package is installed but systemd-analyze is still not on PATH');
    return after;
  })();
  return installing;
}

/** Units that RHCOS or the MCO's own templates provide (a unit may order itself against them). */
const PLATFORM_UNITS = ['kubelet-dependencies.target', 'kubelet.service', 'crio.service', 'machine-config-daemon-firstboot.service'];
const HOST_UNIT_DIRS = ['/usr/lib/systemd/system', '/lib/systemd/system'];

const EXEC_KEYS = /^(ExecStart|ExecStartPre|ExecStartPost|ExecStop|ExecStopPost|ExecReload|ExecCondition)=(.*)$/;

/** The program of each Exec line, with systemd's prefixes (-@:+!) removed. */
export function execPrograms(unit: string): string[] {
  const out: string[] = [];
  for (const line of unit.split('\n')) {
    const m = EXEC_KEYS.exec(line.trim());
    if (!m) continue;
    const word = m[2]!
      .trim()
      .replace(/^[-@:+!]+/, '')
      .split(/\s+/)[0];
    if (word) out.push(word);
  }
  return out;
}

export interface UnitProblem {
  unit: string;
  message: string;
}

/**
 * Verifies every unit (and drop-in) of one Ignition config. Programs the units run must be written
 * by the same config or exist on an ordinary Linux host (stand-ins for what RHCOS ships).
 */
export async function verifyUnits(ign: IgnitionFacts): Promise<UnitProblem[]> {
  const problems: UnitProblem[] = [];
  const units = ign.units.filter((u) => u.contents !== null || u.dropins.length > 0);
  if (units.length === 0) return problems;
  for (const u of ign.units) {
    if (u.enabled && u.contents !== null && !/^\[Install\]/m.test(u.contents)) {
      problems.push({ unit: u.name, message: 'enabled, but the unit has no [Install] section: systemctl enable (Ignition presets) has nothing to enable' });
    }
  }
  const analyze = await ensureSystemdAnalyze();
  const root = mkdtempSync(join(tmpdir(), 'vpo-units-'));
  try {
    const etc = join(root, 'etc/systemd/system');
    mkdirSync(etc, { recursive: true });
    // The host's own unit files (targets, slices) stand in for RHCOS's: copied (systemd resolves
    // absolute symlinks inside the root), without their .wants/ links (nothing here is started).
    const hostUnits = HOST_UNIT_DIRS.find((d) => existsSync(join(d, 'sysinit.target')));
    const lib = join(root, 'usr/lib/systemd/system');
    mkdirSync(lib, { recursive: true });
    for (const name of hostUnits ? readdirSync(hostUnits) : []) {
      const from = join(hostUnits!, name);
      if (statSync(from, { throwIfNoEntry: false })?.isFile()) copyFileSync(from, join(lib, name));
    }
    // A stand-in service is a valid service (systemd refuses one without ExecStart when a unit orders against it).
    for (const p of PLATFORM_UNITS)
      writeFileSync(
        join(etc, p),
        `[Unit]\nDescription=stand-in for a unit RHCOS provides\n${p.endsWith('.service') ? '[Service]\nType=oneshot\nExecStart=/bin/true\n' : ''}`,
      );
    for (const f of ign.files) {
      const p = join(root, f.path);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.contents, { mode: f.mode ?? 0o644 });
    }
    for (const u of units) {
      if (u.contents !== null) writeFileSync(join(etc, u.name), u.contents);
      for (const d of u.dropins) {
        mkdirSync(join(etc, `${u.name}.d`), { recursive: true });
        writeFileSync(join(etc, `${u.name}.d`, d.name), d.contents);
      }
      for (const prog of execPrograms(u.contents ?? '')) {
        const p = join(root, prog);
        if (prog.startsWith('/') && !existsSync(p) && existsSync(prog)) {
          mkdirSync(dirname(p), { recursive: true });
          writeFileSync(p, '', { mode: 0o755 });
        }
      }
    }
    const names = units.map((u) => u.name);
    let output: string;
    try {
      const r = await exec(analyze, ['verify', `--root=${root}`, ...names], { timeout: 60_000 });
      output = `${r.stdout}${r.stderr}`;
    } catch (e) {
      const x = e as { stdout?: string; stderr?: string; message: string };
      output = `${x.stdout ?? ''}${x.stderr ?? ''}` || x.message;
      if (!output.trim()) output = 'systemd-analyze verify failed without a message';
    }
    for (const line of new Set(
      output
        .split('\n')
        .map((l) => l.split(root).join('').trim())
        .filter(Boolean),
    )) {
      const unit = names.find((n) => line.includes(n)) ?? names.join(',');
      problems.push({ unit, message: line });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return problems;
}
