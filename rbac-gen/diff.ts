// A line diff in unified format (hunks with three lines of context), for `rbac-gen --check`.
// The role is a few hundred lines at most, so a plain LCS table is fast enough.

type Op = { t: ' ' | '-' | '+'; line: string; a: number; b: number };

function ops(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) out.push({ t: ' ', line: a[i++]!, a: i, b: ++j });
    else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push({ t: '-', line: a[i++]!, a: i, b: j });
    else out.push({ t: '+', line: b[j++]!, a: i, b: j });
  }
  return out;
}

const split = (s: string): string[] => {
  const l = s.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
};

/** Unified diff of two texts, or "" when they are equal. */
export function unifiedDiff(before: string, after: string, beforeName: string, afterName: string, context = 3): string {
  if (before === after) return '';
  const list = ops(split(before), split(after));
  const changed = list.map((o, k) => (o.t !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return `--- ${beforeName}\n+++ ${afterName}\n(the texts differ only in the final newline)\n`;
  // Group changes whose context windows touch into hunks.
  const hunks: [number, number][] = [];
  for (const k of changed) {
    const lo = Math.max(0, k - context);
    const hi = Math.min(list.length - 1, k + context);
    const last = hunks[hunks.length - 1];
    if (last && lo <= last[1] + 1) last[1] = hi;
    else hunks.push([lo, hi]);
  }
  const out = [`--- ${beforeName}`, `+++ ${afterName}`];
  for (const [lo, hi] of hunks) {
    const slice = list.slice(lo, hi + 1);
    const aCount = slice.filter((o) => o.t !== '+').length;
    const bCount = slice.filter((o) => o.t !== '-').length;
    // 1-based start lines; an empty side starts at the line before it, as diff -u does.
    // 1-based first line on each side (an insertion/deletion records the lines consumed so far);
    // an empty side names the line before it, as diff -u does.
    const first = list[lo]!;
    const aFrom = first.t === '+' ? first.a + 1 : first.a;
    const bFrom = first.t === '-' ? first.b + 1 : first.b;
    out.push(`@@ -${aCount ? aFrom : aFrom - 1},${aCount} +${bCount ? bFrom : bFrom - 1},${bCount} @@`);
    for (const o of slice) out.push(`${o.t}${o.line}`);
  }
  return out.join('\n') + '\n';
}
