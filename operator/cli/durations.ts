// Go-style durations for flags ("500ms", "2s", "10m", "1h30m").
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
  if (!text || consumed !== text.length) throw new Error(`invalid duration "${text}" (examples: 500ms, 2s, 10m, 1h30m)`);
  return total;
}
