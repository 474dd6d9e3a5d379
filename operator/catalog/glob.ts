// `*` wildcard matching, case-insensitive, in O(pattern × text) time at worst and without
// backtracking blow-up: a `*` becomes no RegExp (`a*a*a*…z` as `.*` backtracks exponentially).
// The classic greedy algorithm: on a mismatch, only the last `*` is retried one character later.
export function globMatch(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && p[pi] !== '*' && p[pi] === t[ti]) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++mark;
    } else return false;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}
