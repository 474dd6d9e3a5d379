// Where the packaged asset catalog is: the nearest assets/metadata.yaml above this file (the
// source tree, dist/, or the container image), unless --assets-dir or VPO_ASSETS_DIR says.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function defaultAssetsDir(): string {
  if (process.env.VPO_ASSETS_DIR) return process.env.VPO_ASSETS_DIR;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'assets', 'metadata.yaml'))) return join(dir, 'assets');
    const up = dirname(dir);
    if (up === dir) return join(process.cwd(), 'assets');
    dir = up;
  }
}
