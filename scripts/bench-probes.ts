// What `npm run bench` reads about the operator process and the API server, from the outside:
// CPU time and RSS from /proc (user+sys of every thread; robust to a busy machine), the peak
// RSS over a phase (VmHWM, reset through clear_refs), and the operator's requests from the API
// server's audit log (not from the operator's own counters).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces): utime is the 14th field, stime the 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

const statusField = (pid: number, field: string): number =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Resident set size now, in MB. */
export const rssMb = (pid: number): number => statusField(pid, 'VmRSS');

/** Peak RSS since the last resetPeakRss (or since start), in MB. */
export const peakRssMb = (pid: number): number => statusField(pid, 'VmHWM');

/** Starts a new peak-RSS window (writing 5 to clear_refs resets VmHWM). */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

export interface AuditEntry {
  auditID: string;
  stage: string;
  verb: string;
  uri: string;
  user: string;
  userAgent: string;
  /** When the API server received the request and when it wrote the entry (the response complete,
   *  or started for a watch), in ms since the epoch with the log's microseconds kept. */
  received: number;
  completed: number;
  resource: string;
}

/** An RFC 3339 time with microseconds ("…T13:36:54.934123Z") in ms, fractions of a ms kept. */
export function preciseTime(rfc3339: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(rfc3339);
  if (!m) return Date.parse(rfc3339);
  return Date.parse(`${m[1]}${m[3]}`) + Number(`0.${m[2] ?? '0'}`) * 1000;
}

/** The audit log's requests (one entry per request; a watch still open counts once too). */
export function readAudit(file: string): AuditEntry[] {
  const byId = new Map<string, AuditEntry>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as {
      auditID: string;
      stage: string;
      verb: string;
      requestURI: string;
      user?: { username?: string };
      userAgent?: string;
      requestReceivedTimestamp: string;
      stageTimestamp: string;
      objectRef?: { resource?: string; subresource?: string };
    };
    if (byId.has(e.auditID)) continue;
    byId.set(e.auditID, {
      auditID: e.auditID,
      stage: e.stage,
      verb: e.verb,
      uri: e.requestURI,
      user: e.user?.username ?? '',
      userAgent: e.userAgent ?? '',
      received: preciseTime(e.requestReceivedTimestamp),
      completed: preciseTime(e.stageTimestamp),
      resource: `${e.objectRef?.resource ?? ''}${e.objectRef?.subresource ? '/' + e.objectRef.subresource : ''}`,
    });
  }
  return [...byId.values()];
}

/** Requests by `user` received in [from, to). */
export function requestsBetween(entries: AuditEntry[], user: string, from: number, to: number): AuditEntry[] {
  return entries.filter((e) => e.user === user && e.received >= from && e.received < to);
}

/**
 * Where a drift repair's time goes, from the audit log: for each edit of `resource` by another user,
 * the edit's own time in the API server, the operator's reaction (the edit answered → the
 * operator's write of the same resource received: watch delivery, the operator's work, sending),
 * and its write's time in the API server. In ms, one entry per edit the operator answered. The
 * reaction is negative when the operator's write arrives before the API server has finished
 * answering the edit (the watch event goes out first): the three still add up to the repair.
 */
export function driftParts(entries: AuditEntry[], operatorUser: string, resource: string): { edit: number; reaction: number; repair: number }[] {
  const patches = entries.filter((e) => e.verb === 'patch' && e.resource === resource).sort((a, b) => a.received - b.received);
  const parts: { edit: number; reaction: number; repair: number }[] = [];
  patches.forEach((e, i) => {
    if (e.user === operatorUser) return;
    const repair = patches.slice(i + 1).find((r) => r.user === operatorUser);
    const nextEdit = patches.slice(i + 1).find((r) => r.user !== operatorUser);
    if (!repair || (nextEdit && nextEdit.received < repair.received)) return;
    parts.push({ edit: e.completed - e.received, reaction: repair.received - e.completed, repair: repair.completed - repair.received });
  });
  return parts;
}

/** "3 patch hyperconvergeds, 1 create events" */
export function describeRequests(entries: AuditEntry[]): string {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(`${e.verb} ${e.resource}`, (counts.get(`${e.verb} ${e.resource}`) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
}

/** Lines of the API server log that say it closed a watch because the client did not keep up. */
export function unresponsiveWatchCloses(apiServerLog: string): string[] {
  return readFileSync(apiServerLog, 'utf8')
    .split('\n')
    .filter((l) => /Forcing .* watcher close due to unresponsiveness/.test(l));
}

/** CPU seconds per thread name (main thread, V8 workers, libuv pool...), summed by name. */
export function cpuByThread(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[name] = (out[name] ?? 0) + (Number(f[11]) + Number(f[12])) / CLK_TCK;
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** b − a per thread name, the ones that used any CPU, e.g. "node 0.05 s, V8 DefaultWorke 0.03 s". */
export function describeThreadCpu(a: Record<string, number>, b: Record<string, number>): string {
  return (
    Object.entries(b)
      .map(([k, v]) => [k, v - (a[k] ?? 0)] as const)
      .filter(([, v]) => v > 0.0001)
      .sort((x, y) => y[1] - x[1])
      .map(([k, v]) => `${k} ${v.toFixed(2)} s`)
      .join(', ') || 'none'
  );
}
