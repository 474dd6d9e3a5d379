// Shell syntax of what a MachineConfig runs: every `sh -c` / `bash -c` script of an Exec line, as
// the shell receives it after systemd's own processing, and every script file the config writes.
// systemd first resolves specifiers (%n, %%), then replaces ${VAR} with the unit's Environment=
// value (empty when unset) and $$ with $; only then does the shell see the text.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { IgnitionFacts } from './go-validator.js';

const exec = promisify(execFile);

/** systemd's word splitting of a command line (systemd.service(5) "Command lines"). */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    let word = '';
    const quote = line[i] === '"' || line[i] === "'" ? line[i++] : undefined;
    for (; i < line.length; i++) {
      const c = line[i]!;
      if (quote ? c === quote : /\s/.test(c)) {
        if (quote) i++;
        break;
      }
      if (c === '\\' && i + 1 < line.length) {
        const n = line[++i]!;
        word += ({ n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'", ' ': ' ' } as Record<string, string>)[n] ?? `\\${n}`;
      } else word += c;
    }
    words.push(word);
  }
  return words;
}

const SPECIFIER_VALUE = 'specifier';

/** What the shell receives from one systemd Exec word. */
export function afterSystemd(word: string, env: Record<string, string>): string {
  const noSpecifiers = word.replace(/%(.)/g, (_m, c: string) => (c === '%' ? '%' : SPECIFIER_VALUE));
  return noSpecifiers.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name: string | undefined) => (m === '$$' ? '$' : (env[name!] ?? '')));
}

function unitEnvironment(unit: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of unit.split('\n')) {
    const m = /^\s*Environment=(.*)$/.exec(line);
    if (!m) continue;
    for (const assignment of splitCommandLine(m[1]!)) {
      const eq = assignment.indexOf('=');
      if (eq > 0) env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
    }
  }
  return env;
}

export interface ShellScript {
  where: string;
  shell: string;
  script: string;
}

const SHELLS = new Map([
  ['/bin/sh', 'sh'],
  ['/usr/bin/sh', 'sh'],
  ['/bin/bash', 'bash'],
  ['/usr/bin/bash', 'bash'],
]);

/** The shell scripts of a config: `-c` scripts of Exec lines and files with a shell shebang. */
export function shellScripts(ign: IgnitionFacts): ShellScript[] {
  const out: ShellScript[] = [];
  for (const u of ign.units) {
    const texts = [u.contents ?? '', ...u.dropins.map((d) => d.contents)];
    for (const text of texts) {
      const env = unitEnvironment(text);
      for (const line of text.split('\n')) {
        const m = /^\s*(ExecStart|ExecStartPre|ExecStartPost|ExecStop|ExecStopPost|ExecReload|ExecCondition)=[-@:+!]*(.*)$/.exec(line);
        if (!m) continue;
        const words = splitCommandLine(m[2]!);
        const shell = SHELLS.get(words[0] ?? '');
        const c = words.indexOf('-c');
        if (shell && c > 0 && words[c + 1] !== undefined) out.push({ where: `${u.name} ${m[1]}`, shell, script: afterSystemd(words[c + 1]!, env) });
      }
    }
  }
  for (const f of ign.files) {
    const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(f.contents);
    if (!m) continue;
    const shell = m[1] === '/usr/bin/env' ? (m[2] === 'bash' || m[2] === 'sh' ? m[2] : undefined) : SHELLS.get(m[1]!);
    if (shell) out.push({ where: f.path, shell, script: f.contents });
  }
  return out;
}

/** `sh -n` / `bash -n` over each script: the shell's own parser, nothing run. */
export async function checkShellSyntax(ign: IgnitionFacts): Promise<{ where: string; message: string }[]> {
  const problems: { where: string; message: string }[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'vpo-sh-'));
  try {
    let n = 0;
    for (const s of shellScripts(ign)) {
      const file = join(dir, `script-${n++}`);
      writeFileSync(file, s.script);
      // RHCOS's /bin/sh is bash; POSIX sh (dash here) keeps the scripts portable too.
      for (const shell of s.shell === 'sh' ? ['sh', 'bash'] : ['bash']) {
        try {
          await exec(shell, ['-n', file], { timeout: 30_000 });
        } catch (e) {
          const msg = ((e as { stderr?: string }).stderr ?? (e as Error).message).split(file).join(s.where).trim();
          problems.push({ where: s.where, message: `${shell} -n: ${msg}` });
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return problems;
}
