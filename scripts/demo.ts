// `npm run demo`: the local control plane with the CRDs installed, until Ctrl-C.
import { startControlPlane } from '../envtest/controlplane.js';
import { crdDir, installCrds, loadCrds } from '../envtest/crds.js';

const cp = await startControlPlane();
const names = await installCrds(cp.admin, loadCrds(crdDir()));
process.stdout.write(
  `Local control plane ready at ${cp.server} with ${names.length} CRDs.\n` +
    `  export KUBECONFIG=${cp.kubeconfigPath}\n  ${cp.binaries.kubectl} get crds\nPress Ctrl-C to stop and clean up.\n`,
);
await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await cp.stop();
