import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import forge from 'node-forge';
import type { CertificatePair } from './certificateSource.js';

/**
 * A development certificate for localhost and 127.0.0.1 that is its own CA, so one file serves both
 * as the serving certificate and as the caBundle a local API server trusts. The key is made and the
 * certificate signed by Node's native crypto (node-forge's pure-JS RSA takes seconds to make a key and
 * tens of milliseconds to sign); forge only lays out the certificate.
 */
export function selfSignedCertificate(hosts: { dns: string[]; ips: string[] }, days = 365): CertificatePair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const serial = randomBytes(15).toString('hex');
  cert.serialNumber = '01' + serial;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
  // A unique name: TLS clients find an issuer by name, so two dev CAs with one name would shadow each other.
  const subject = [{ name: 'commonName', value: `redis-replication-webhook dev ${serial.slice(0, 8)}` }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...hosts.dns.map((value) => ({ type: 2, value })), ...hosts.ips.map((ip) => ({ type: 7, ip }))] },
  ]);
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption!;
  // The TBSCertificate, the signed part, is the first element of the certificate's ASN.1.
  cert.tbsCertificate = (forge.pki.certificateToAsn1(cert).value as forge.asn1.Asn1[])[0]!;
  const signed = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = sign('sha256', signed, privateKey).toString('binary');
  return { cert: forge.pki.certificateToPem(cert), key };
}
