/**
 * A throwaway certificate authority for mTLS tests (openssl): the CA, a server certificate for
 * localhost / 127.0.0.1, and client certificates, all signed by the CA and valid for a day.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  dir: string;
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** A client certificate from a different CA: the server must refuse it. */
  strangerCertFile: string;
  strangerKeyFile: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function ca(dir: string, name: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], dir);
  openssl(
    ['req', '-x509', '-new', '-key', `${name}.key`, '-sha256', '-days', '1', '-subj', `/CN=${name}`, '-out', `${name}.pem`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
}

function leaf(dir: string, name: string, caName: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], dir);
  openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`], dir);
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.pem`, '-CAkey', `${caName}.key`, '-CAcreateserial', '-days', '1', '-sha256',
      '-extfile', `${name}.ext`, '-out', `${name}.pem`],
    dir,
  );
}

const CLIENT_EXT = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n';

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'es-mtls-'));
  ca(dir, 'test-ca');
  leaf(dir, 'server', 'test-ca', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n');
  leaf(dir, 'worker', 'test-ca', CLIENT_EXT);
  ca(dir, 'stranger-ca');
  leaf(dir, 'stranger', 'stranger-ca', CLIENT_EXT);
  return {
    dir,
    caFile: join(dir, 'test-ca.pem'),
    serverCertFile: join(dir, 'server.pem'),
    serverKeyFile: join(dir, 'server.key'),
    clientCertFile: join(dir, 'worker.pem'),
    clientKeyFile: join(dir, 'worker.key'),
    strangerCertFile: join(dir, 'stranger.pem'),
    strangerKeyFile: join(dir, 'stranger.key'),
  };
}
