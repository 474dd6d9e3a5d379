// The repository root, found from any compiled or source file (dist/ mirrors the source tree).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (package.json)');
    dir = up;
  }
  return dir;
}

export const repoRoot = findRoot();
export const repoPath = (...parts: string[]): string => join(repoRoot, ...parts);
