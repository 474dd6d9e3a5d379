// Go-style durations for flags ("500ms", "2s", "10m", "1h30m").
/** Timers in Node wait at most 2^31-1 ms; a day is plenty for any setting of the operator. */
export const MAX_DURATION_MS = 86_400_000;
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    consumed = re.lastIndex;
  }
  if (!text || consumed !== text.length) throw new Error(`invalid duration "${text.slice(0, 40)}" (examples: 500ms, 2s, 10m, 1h30m)`);
  // A timer cannot wait longer (longer fires at once: a hot loop), and zero would spin as well.
  if (!(total >= 1 && total <= MAX_DURATION_MS)) throw new Error(`duration "${text.slice(0, 40)}" must be between 1ms and 24h`);
  return Math.round(total);
}
