// The status table shared by `render --output status`, `explain` and the demo.
export interface StatusRow {
  asset: string;
  object: string;
  status: string;
  detail: string;
}

export function formatTable(rows: StatusRow[], maxDetail = 100): string {
  const head: StatusRow = { asset: 'ASSET', object: 'KIND/NAME', status: 'STATUS', detail: 'DETAIL' };
  const all = [head, ...rows.map((r) => ({ ...r, detail: r.detail.length > maxDetail ? r.detail.slice(0, maxDetail - 1) + '…' : r.detail }))];
  const w = (k: keyof StatusRow): number => Math.max(...all.map((r) => r[k].length));
  const [wa, wo, ws] = [w('asset'), w('object'), w('status')];
  return all.map((r) => `${r.asset.padEnd(wa)}  ${r.object.padEnd(wo)}  ${r.status.padEnd(ws)}  ${r.detail}`.trimEnd()).join('\n') + '\n';
}
