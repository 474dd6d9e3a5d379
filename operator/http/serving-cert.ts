// The metrics server's certificate: tls.crt/tls.key from --metrics-cert-dir when present (on
// OpenShift, the service CA's serving certificate: the Service asks for it with the
// service.beta.openshift.io/serving-cert-secret-name annotation and the Deployment mounts that
// Secret, optional), a self-signed one otherwise. The folder is looked at again every
// `pollMs`: a Secret that appears after start (the Service is created by the operator itself) or
// is rotated by the service CA is picked up without a restart.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface KeyPair {
  key: string;
  cert: string;
  /** Where it came from, for the log. */
  source: string;
}

function fingerprint(dir: string): string | undefined {
  const files = ['tls.crt', 'tls.key'].map((f) => join(dir, f));
  if (!files.every((f) => existsSync(f))) return undefined;
  return files.map((f) => `${statSync(f).mtimeMs}:${statSync(f).size}`).join('|');
}

/** A self-signed serving certificate for these DNS names (and 127.0.0.1), valid for a year. */
export async function selfSigned(dnsNames: string[]): Promise<KeyPair> {
  // Loaded only when needed (~20 MB of X.509 code): a pod with the service CA's certificate never is.
  const mod = await import('selfsigned');
  // A CommonJS package: in the image's bundle, a chunk of its own, its exports are on `default`.
  const { generate } = 'default' in mod && mod.default ? mod.default : mod;
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: dnsNames[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...dnsNames.map((value) => ({ type: 2 as const, value })), { type: 7 as const, ip: '127.0.0.1' }] },
    ],
  });
  return { key: pems.private, cert: pems.cert, source: 'self-signed' };
}

export class ServingCertificate {
  private seen: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private fallback: KeyPair | undefined;

  constructor(
    private readonly certDir: string | undefined,
    private readonly dnsNames: string[],
    private readonly pollMs = 10_000,
  ) {}

  private fromDir(): KeyPair | undefined {
    if (!this.certDir) return undefined;
    const fp = fingerprint(this.certDir);
    if (!fp) return undefined;
    this.seen = fp;
    return { key: readFileSync(join(this.certDir, 'tls.key'), 'utf8'), cert: readFileSync(join(this.certDir, 'tls.crt'), 'utf8'), source: this.certDir };
  }

  /** The certificate to serve now. */
  async current(): Promise<KeyPair> {
    const files = this.fromDir();
    if (files) return files;
    this.fallback ??= await selfSigned(this.dnsNames);
    return this.fallback;
  }

  /** Calls `onChange` when the folder's certificate appears or changes. */
  watch(onChange: (pair: KeyPair) => void): void {
    if (!this.certDir) return;
    this.timer = setInterval(() => {
      const fp = fingerprint(this.certDir!);
      if (!fp || fp === this.seen) return;
      try {
        const pair = this.fromDir();
        if (pair) onChange(pair);
      } catch {
        // A half-written Secret update: the next poll reads it whole.
      }
    }, this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
