import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { httpsOptions } from './server-options.ts';
import { sign, startTestIngress } from './test-helpers.ts';

const META_SUBJECT = 'client.webhooks.fbclientcerts.com';

/** A throwaway CA with a server certificate for 127.0.0.1 and two client certificates (Meta's subject, another). */
function makeCerts() {
  const dir = mkdtempSync(join(tmpdir(), 'wabus-tls-'));
  const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=wabus test CA');
  const leaf = (name: string, cn: string, ext: string) => {
    ossl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    writeFileSync(join(dir, `${name}.ext`), ext);
    ossl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  };
  leaf('server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  leaf('meta', META_SUBJECT, 'extendedKeyUsage=clientAuth\n');
  leaf('other', 'evil.example.com', 'extendedKeyUsage=clientAuth\n');
  const file = (n: string) => join(dir, n);
  return { dir, file, read: (n: string) => readFileSync(file(n)) };
}

function postTls(port: number, body: Buffer, tls: { ca: Buffer; cert?: Buffer; key?: Buffer }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/webhook', method: 'POST', ...tls, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const BODY = Buffer.from(
  '{"object":"whatsapp_business_account","entry":[{"id":"1","time":1,"changes":[{"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}}]}]}',
);

test('HTTPS: serves TLS directly when a certificate is configured', async (t) => {
  const c = makeCerts();
  t.after(() => rmSync(c.dir, { recursive: true, force: true }));
  const { app } = await startTestIngress(t, {
    serverOptions: httpsOptions({ tlsCert: c.file('server.pem'), tlsKey: c.file('server.key'), mtls: false, mtlsCa: '' }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const res = await postTls(port, BODY, { ca: c.read('ca.pem') });
  assert.equal(res.status, 200, res.body);
});

test("mTLS: only a client certificate with Meta's subject is accepted; another subject gets 403, none fails the handshake", async (t) => {
  const c = makeCerts();
  t.after(() => rmSync(c.dir, { recursive: true, force: true }));
  const { app } = await startTestIngress(t, {
    serverOptions: httpsOptions({ tlsCert: c.file('server.pem'), tlsKey: c.file('server.key'), mtls: true, mtlsCa: c.file('ca.pem') }),
    mtlsSubject: META_SUBJECT,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const ca = c.read('ca.pem');

  const meta = await postTls(port, BODY, { ca, cert: c.read('meta.pem'), key: c.read('meta.key') });
  assert.equal(meta.status, 200, meta.body);

  const other = await postTls(port, BODY, { ca, cert: c.read('other.pem'), key: c.read('other.key') });
  assert.equal(other.status, 403);
  assert.equal(JSON.parse(other.body).error.code, 'WABUS_INGRESS_CLIENT_CERT');

  await assert.rejects(postTls(port, BODY, { ca }), 'no client certificate: the TLS handshake is refused');
});
