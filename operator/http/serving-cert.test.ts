import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ServingCertificate, selfSigned, type KeyPair } from './serving-cert.js';

describe('serving certificate', () => {
  it('self-signed when the folder holds none: the Service DNS names and 127.0.0.1, a year long', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpo-cert-'));
    try {
      const pair = await new ServingCertificate(dir, ['svc.ns.svc', 'localhost']).current();
      assert.equal(pair.source, 'self-signed');
      const x = new X509Certificate(pair.cert);
      assert.equal(x.checkHost('svc.ns.svc'), 'svc.ns.svc');
      assert.equal(x.checkIP('127.0.0.1'), '127.0.0.1');
      assert.equal(x.checkHost('other.example'), undefined);
      const days = (Date.parse(x.validTo) - Date.now()) / 86_400_000;
      assert.ok(days > 360 && days < 366, `${days} days`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('picks up tls.crt/tls.key when they appear later (the service CA Secret), without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpo-cert-'));
    const cert = new ServingCertificate(dir, ['localhost'], 50);
    try {
      assert.equal((await cert.current()).source, 'self-signed');
      const got = new Promise<KeyPair>((r) => cert.watch(r));
      const issued = await selfSigned(['issued.example']);
      writeFileSync(join(dir, 'tls.key'), issued.key);
      writeFileSync(join(dir, 'tls.crt'), issued.cert);
      const pair = await got;
      assert.equal(pair.source, dir);
      assert.equal(new X509Certificate(pair.cert).checkHost('issued.example'), 'issued.example');
      assert.equal((await cert.current()).source, dir);
    } finally {
      cert.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
