// The OLM bundle (registry+v1) as files: the ClusterServiceVersion built from the kustomize
// manifests (the Deployment, the leader-election Role) and from exactly the rules rbac-gen
// generates for the ClusterRole, the extra RBAC objects the install needs, and the bundle
// metadata. Pure: manifests in, file texts out (scripts/bundle.ts writes or checks them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { KubeObject } from '../operator/vocabulary/object.js';

export const PACKAGE = 'virt-platform-operator';
// OLM's channel naming convention (candidate / fast / stable); a 0.x release is a candidate.
export const CHANNEL = 'candidate';
export const IMAGE_REPO = 'quay.io/kubevirt/virt-platform-operator';
export const SERVICE_ACCOUNT = 'virt-platform-operator';

export interface BundleInputs {
  version: string;
  /** manifests/ */
  manifestsDir: string;
  /** The ClusterRole text rbac-gen generates (manifests/rbac/role.yaml when up to date). */
  clusterRoleYaml: string;
  /** The SVG icon (docs/images/icon.svg). */
  iconSvg: string;
}

export interface BundleFile {
  /** Relative to the repository root. */
  path: string;
  text: string;
}

type Rule = Record<string, unknown>;
type Obj = KubeObject & { rules?: Rule[]; spec?: Record<string, unknown> };

function docs(file: string): Obj[] {
  return (yaml.loadAll(readFileSync(file, 'utf8')) as (Obj | null)[]).filter((d): d is Obj => d !== null);
}

function one(file: string, kind: string): Obj {
  const found = docs(file).filter((d) => d.kind === kind);
  if (found.length !== 1) throw new Error(`${file}: expected one ${kind}, found ${found.length}`);
  return found[0]!;
}

const dump = (o: unknown): string => yaml.dump(o, { noRefs: true, lineWidth: -1, sortKeys: false });

const HEADER = '# AUTO-GENERATED — DO NOT EDIT (npm run bundle)\n';

/** The image the manifests deploy; it must be the released version's tag. */
export function deploymentImage(deployment: Obj, version: string): string {
  const containers = (deployment.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers;
  const image = containers[0]?.image ?? '';
  const want = `${IMAGE_REPO}:v${version}`;
  if (image !== want) throw new Error(`manifests/deployment.yaml runs ${image}; the version in package.json says ${want}`);
  return image;
}

/** The kustomization pins the same tag (so overlays change one place). */
export function checkKustomizationTag(manifestsDir: string, version: string): void {
  const k = yaml.load(readFileSync(join(manifestsDir, 'kustomization.yaml'), 'utf8')) as { images?: { name: string; newTag?: string }[] };
  const tag = k.images?.find((i) => i.name === IMAGE_REPO)?.newTag;
  if (tag !== `v${version}`)
    throw new Error(`manifests/kustomization.yaml images: ${IMAGE_REPO} newTag is ${String(tag)}; the version in package.json says v${version}`);
}

const DESCRIPTION = `virt-platform-operator turns a KubeVirt / OpenShift Virtualization cluster into a managed platform: it detects the cluster's hardware and installed operators, applies opinionated best-practice configuration (the HyperConverged golden config, MachineConfigs and KubeletConfigs, node remediation, the descheduler, operator CRs) and keeps it applied.

Cluster admins keep full control through annotations alone - no CRDs of its own, no new fields:
* \`platform.kubevirt.io/autopilot: "true"\` on the HyperConverged turns it on (or a list of asset names or groups);
* \`platform.kubevirt.io/patch\` (RFC 6902 JSON Patch), \`platform.kubevirt.io/ignore-fields\` and \`platform.kubevirt.io/mode: unmanaged\` on any managed object customise or release it.

Changes that reboot nodes (MachineConfigs, KubeletConfigs) are previewed with \`virt-platform-operator explain\` and gated on the MachineConfigPool. The operator installs its own metrics Service, ServiceMonitor and PrometheusRule (alerts with runbooks) in its namespace; /metrics is served over TLS to scrapers allowed \`get /metrics\`.`;

export function buildBundle(i: BundleInputs): BundleFile[] {
  const deployment = one(join(i.manifestsDir, 'deployment.yaml'), 'Deployment');
  const image = deploymentImage(deployment, i.version);
  checkKustomizationTag(i.manifestsDir, i.version);
  const clusterRole = yaml.load(i.clusterRoleYaml) as Obj;
  const leaderRole = one(join(i.manifestsDir, 'rbac', 'leader-election.yaml'), 'Role');
  const csv = {
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'ClusterServiceVersion',
    metadata: {
      name: `${PACKAGE}.v${i.version}`,
      namespace: 'placeholder',
      annotations: {
        'alm-examples': '[]',
        capabilities: 'Basic Install',
        categories: 'OpenShift Optional',
        containerImage: image,
        description: 'Opinionated, hardware-aware platform configuration for KubeVirt / OpenShift Virtualization, controlled through annotations only',
        repository: 'https://github.com/kubevirt/virt-platform-operator',
        support: 'KubeVirt',
        // Install into its own namespace, labelled for cluster monitoring (its ServiceMonitor and
        // PrometheusRule live there).
        'operatorframework.io/suggested-namespace': PACKAGE,
        'operatorframework.io/cluster-monitoring': 'true',
        'features.operators.openshift.io/disconnected': 'true',
        'features.operators.openshift.io/fips-compliant': 'false',
        'features.operators.openshift.io/proxy-aware': 'false',
        'features.operators.openshift.io/tls-profiles': 'false',
        'features.operators.openshift.io/token-auth-aws': 'false',
        'features.operators.openshift.io/token-auth-azure': 'false',
        'features.operators.openshift.io/token-auth-gcp': 'false',
      },
      labels: { 'operatorframework.io/arch.amd64': 'supported', 'operatorframework.io/os.linux': 'supported' },
    },
    spec: {
      displayName: 'Virt Platform Operator',
      description: DESCRIPTION,
      version: i.version,
      maturity: 'alpha',
      icon: [{ base64data: Buffer.from(i.iconSvg).toString('base64'), mediatype: 'image/svg+xml' }],
      minKubeVersion: '1.28.0',
      provider: { name: 'KubeVirt', url: 'https://kubevirt.io' },
      maintainers: [{ name: 'KubeVirt project', email: 'kubevirt-dev@googlegroups.com' }],
      links: [{ name: 'Source', url: 'https://github.com/kubevirt/virt-platform-operator' }],
      keywords: ['kubevirt', 'virtualization', 'openshift-virtualization', 'machineconfig', 'remediation', 'descheduler'],
      // It watches and configures the whole cluster (cluster-scoped MachineConfigs, the
      // HyperConverged wherever it is): only an AllNamespaces OperatorGroup fits.
      installModes: [
        { type: 'OwnNamespace', supported: false },
        { type: 'SingleNamespace', supported: false },
        { type: 'MultiNamespace', supported: false },
        { type: 'AllNamespaces', supported: true },
      ],
      install: {
        strategy: 'deployment',
        spec: {
          clusterPermissions: [{ serviceAccountName: SERVICE_ACCOUNT, rules: clusterRole.rules }],
          permissions: [{ serviceAccountName: SERVICE_ACCOUNT, rules: leaderRole.rules }],
          deployments: [{ name: deployment.metadata!.name, label: deployment.metadata!.labels, spec: deployment.spec }],
        },
      },
      // No CRDs of its own (annotations are the whole interface); it needs the HyperConverged.
      customresourcedefinitions: {
        required: [
          {
            name: 'hyperconvergeds.hco.kubevirt.io',
            version: 'v1',
            kind: 'HyperConverged',
            displayName: 'HyperConverged',
            description:
              'The OpenShift Virtualization / KubeVirt deployment: the configuration source (its annotations) and a managed object (the golden config).',
          },
        ],
      },
      relatedImages: [{ name: PACKAGE, image }],
    },
  };
  const files: BundleFile[] = [{ path: `bundle/manifests/${PACKAGE}.clusterserviceversion.yaml`, text: HEADER + dump(csv) }];
  // RBAC the install needs beyond the operator's own permissions; OLM creates these in the
  // install namespace (so no metadata.namespace).
  const extra: [string, string][] = [
    [join(i.manifestsDir, 'rbac', 'metrics-reader.yaml'), 'ClusterRole'],
    [join(i.manifestsDir, 'rbac', 'prometheus.yaml'), 'Role'],
    [join(i.manifestsDir, 'rbac', 'prometheus.yaml'), 'RoleBinding'],
  ];
  for (const [file, kind] of extra) {
    const o = one(file, kind);
    const { namespace: _ns, ...metadata } = o.metadata!;
    const gv = o.apiVersion!.replace('/', '_');
    files.push({ path: `bundle/manifests/${metadata.name}_${gv}_${kind.toLowerCase()}.yaml`, text: HEADER + dump({ ...o, metadata }) });
  }
  const annotations = {
    'operators.operatorframework.io.bundle.mediatype.v1': 'registry+v1',
    'operators.operatorframework.io.bundle.manifests.v1': 'manifests/',
    'operators.operatorframework.io.bundle.metadata.v1': 'metadata/',
    'operators.operatorframework.io.bundle.package.v1': PACKAGE,
    'operators.operatorframework.io.bundle.channels.v1': CHANNEL,
    'operators.operatorframework.io.bundle.channel.default.v1': CHANNEL,
  };
  files.push({ path: 'bundle/metadata/annotations.yaml', text: HEADER + dump({ annotations }) });
  files.push({
    path: 'bundle.Dockerfile',
    text:
      '# AUTO-GENERATED — DO NOT EDIT (npm run bundle)\n# The OLM bundle image: docker build -f bundle.Dockerfile -t ' +
      `${IMAGE_REPO}-bundle:v${i.version} .\nFROM scratch\n` +
      Object.entries(annotations)
        .map(([k, v]) => `LABEL ${k}=${v}\n`)
        .join('') +
      'COPY bundle/manifests /manifests/\nCOPY bundle/metadata /metadata/\n',
  });
  return files;
}
