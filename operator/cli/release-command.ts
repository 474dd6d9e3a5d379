// `virt-platform-operator release`: hands a cluster back. Lists every object the operator manages
// and, with --confirm, releases each (controller/release-all.ts). Dry-run by default. Stop the
// operator first (scale its Deployment to 0): a running operator adopts the objects again.
import { loadCatalog } from '../catalog/catalog.js';
import { loadTombstones } from '../catalog/tombstones.js';
import { installedCrds, managedObjects, releaseAll } from '../controller/release-all.js';
import { familyKinds } from '../families/registry.js';
import { KubeClient } from '../kube/client.js';
import { defaultAssetsDir } from '../paths.js';
import { describeObject } from '../vocabulary/object.js';
import { parseFlags } from './flags.js';

export const RELEASE_HELP = `Usage: virt-platform-operator release [--confirm] [options]

Releases every object the operator manages: its managed-by label, its ownership annotations and its
field ownership are removed; the objects themselves are left exactly as they are (nothing is deleted).
Dry-run by default: lists what it would release. Scale the operator to 0 first, or it adopts them again.
  --confirm           release them
  --kubeconfig FILE   (default: $KUBECONFIG, ~/.kube/config or in-cluster)
  --assets-dir DIR    the asset catalog (default: the packaged one)
`;

export async function releaseCommand(argv: string[]): Promise<{ stdout: string; code: number }> {
  const values = parseFlags(argv, {
    confirm: { type: 'boolean', default: false },
    kubeconfig: { type: 'string' },
    'assets-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return { stdout: RELEASE_HELP, code: 0 };
  const client = values.kubeconfig ? KubeClient.fromKubeconfigFile(values.kubeconfig) : KubeClient.fromDefault();
  try {
    const assetsDir = values['assets-dir'] ?? defaultAssetsDir();
    const objects = await managedObjects(client, loadCatalog(assetsDir), loadTombstones(assetsDir), familyKinds(), await installedCrds(client));
    if (!values.confirm) {
      const lines = objects.map((o) => `would release ${describeObject(o.object)}\n`).join('');
      return { stdout: `${lines}${objects.length} managed object(s); nothing changed (dry-run: --confirm to release them)\n`, code: 0 };
    }
    const done = await releaseAll(client, objects);
    return { stdout: `${done.map((o) => `released ${describeObject(o.object)}\n`).join('')}${done.length} object(s) released\n`, code: 0 };
  } finally {
    client.close();
  }
}
