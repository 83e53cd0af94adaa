import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import forge from 'node-forge';
import type { CertificatePair } from './certificateSource.js';

export interface SelfSignedOptions {
  days?: number;
  /**
   * `ec` (P-256) is made in well under a millisecond, so the embedded dev default starts at once; `rsa`
   * (2048-bit, 60 to 300 ms to make) is what cert-manager issues by default, for tests and the benchmark.
   */
  keyType?: 'rsa' | 'ec';
}

const ecdsaWithSha256 = '1.2.840.10045.4.3.2';

/** An AlgorithmIdentifier with no parameters, as RFC 5758 writes ecdsa-with-SHA256. */
function algorithmIdentifier(oid: string): forge.asn1.Asn1 {
  const { asn1 } = forge;
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
  ]);
}

/**
 * A development certificate for localhost and 127.0.0.1 that is its own CA, so one file serves both
 * as the serving certificate and as the caBundle a local API server trusts. The key is made and the
 * certificate signed by Node's native crypto (node-forge's pure-JS RSA takes seconds to make a key and
 * tens of milliseconds to sign); forge only lays out the certificate. forge knows RSA keys alone, so for
 * an EC key it lays out the TBSCertificate around a stand-in RSA key, and the key and the signature
 * algorithm are then swapped for the real ones in the ASN.1 before signing.
 */
export function selfSignedCertificate(hosts: { dns: string[]; ips: string[] }, options: SelfSignedOptions = {}): CertificatePair {
  const { days = 365, keyType = 'rsa' } = options;
  const { privateKey, publicKey } =
    keyType === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey =
    keyType === 'ec'
      ? forge.pki.setRsaPublicKey(new forge.jsbn.BigInteger('3', 10), new forge.jsbn.BigInteger('3', 10))
      : forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
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
    // keyEncipherment is for RSA key transport; an EC key only signs.
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: keyType === 'rsa', keyCertSign: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...hosts.dns.map((value) => ({ type: 2, value })), ...hosts.ips.map((ip) => ({ type: 7, ip }))] },
  ]);
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption!;
  // The TBSCertificate, the signed part, is the first element of the certificate's ASN.1; after its
  // version come serialNumber, signature (the algorithm), issuer, validity, subject, subjectPublicKeyInfo.
  const [tbs, rsaSignatureAlgorithm] = forge.pki.certificateToAsn1(cert).value as [forge.asn1.Asn1, forge.asn1.Asn1];
  const fields = tbs.value as forge.asn1.Asn1[];
  if (keyType === 'ec') {
    fields[2] = algorithmIdentifier(ecdsaWithSha256);
    fields[6] = forge.asn1.fromDer(publicKey.export({ type: 'spki', format: 'der' }).toString('binary'));
  }
  const tbsDer = forge.asn1.toDer(tbs).getBytes();
  // Node signs EC keys in the DER form X.509 wants (dsaEncoding 'der' is the default).
  const signature = sign('sha256', Buffer.from(tbsDer, 'binary'), privateKey).toString('binary');
  const { asn1 } = forge;
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    keyType === 'ec' ? algorithmIdentifier(ecdsaWithSha256) : rsaSignatureAlgorithm,
    // A BIT STRING's first byte counts the unused bits of its last byte: none.
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, String.fromCharCode(0) + signature),
  ]);
  return { cert: forge.pem.encode({ type: 'CERTIFICATE', body: asn1.toDer(certificate).getBytes() }), key };
}
