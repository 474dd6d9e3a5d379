// The status table shared by `render --output status`, `explain` and the demo: one row per asset
// report (chain/asset-report.ts).
import type { AssetReport } from '../chain/asset-report.js';
import type { Status } from '../chain/outcome.js';

interface Row {
  asset: string;
  object: string;
  status: string;
  detail: string;
}

/** Offline, "rendered" is what would be applied. */
const LABEL: Partial<Record<Status, string>> = { rendered: 'applied' };

function row(r: AssetReport): Row {
  const detail = r.status === 'rendered' ? (r.reason ?? '') : r.message;
  return {
    asset: r.asset,
    object: r.object ? `${r.kind}/${r.object}` : r.kind,
    status: LABEL[r.status] ?? r.status,
    detail: r.drift?.length && r.status !== 'drifting' ? `${detail} (drifting: ${r.drift.join(', ')})` : detail,
  };
}

export function formatTable(reports: readonly AssetReport[], maxDetail = 100): string {
  const head: Row = { asset: 'ASSET', object: 'KIND/NAME', status: 'STATUS', detail: 'DETAIL' };
  const all = [head, ...reports.map(row).map((r) => ({ ...r, detail: r.detail.length > maxDetail ? r.detail.slice(0, maxDetail - 1) + '…' : r.detail }))];
  const w = (k: keyof Row): number => Math.max(...all.map((r) => r[k].length));
  const [wa, wo, ws] = [w('asset'), w('object'), w('status')];
  return all.map((r) => `${r.asset.padEnd(wa)}  ${r.object.padEnd(wo)}  ${r.status.padEnd(ws)}  ${r.detail}`.trimEnd()).join('\n') + '\n';
}
