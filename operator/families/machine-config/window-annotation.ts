// The HCO annotation platform.kubevirt.io/node-disruption-window (window.ts parses it). A malformed
// value is reported once on the HCO (InvalidAnnotation, with the other HCO annotation problems)
// and treated as no window: a typo must not block changes forever, nor say nothing.
import { PREFIX, annotationsOf } from '../../vocabulary/annotations.js';
import type { KubeObject } from '../../vocabulary/object.js';
import { parseWindow, type DisruptionWindow, type WindowParse } from './window.js';

export const WINDOW_ANNOTATION = `${PREFIX}/node-disruption-window`;

let memo: { text: string; parsed: WindowParse } | undefined;

function parsedOf(hco: KubeObject | undefined): WindowParse | undefined {
  const text = annotationsOf(hco)[WINDOW_ANNOTATION];
  if (text === undefined || text.trim() === '') return undefined;
  if (memo?.text !== text) memo = { text, parsed: parseWindow(text) };
  return memo.parsed;
}

/** The HCO's window, when it sets a valid one. */
export function windowOf(hco: KubeObject | undefined): DisruptionWindow | undefined {
  const p = parsedOf(hco);
  return p && 'window' in p ? p.window : undefined;
}

/** What is wrong with the HCO's window annotation, if anything. */
export function windowProblem(hco: KubeObject | undefined): string | undefined {
  const p = parsedOf(hco);
  return p && 'error' in p ? `${WINDOW_ANNOTATION} is malformed (treated as no window: node-disrupting changes are not held by it): ${p.error}` : undefined;
}
