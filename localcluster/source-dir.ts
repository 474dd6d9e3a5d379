// A folder of data next to a source file (Go modules, fixture CRDs). Compiled files run from
// dist/<folder>/, where the data is not copied: then the same folder of the source tree.
import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function sourceDir(moduleUrl: string, name: string): string {
  const here = dirname(fileURLToPath(moduleUrl));
  const candidates = [resolve(here, name), resolve(here, '..', '..', basename(here), name)];
  return candidates.find((d) => existsSync(d)) ?? candidates[0]!;
}
