import type { SecureContextOptions } from 'node:tls';

/**
 * TLS 1.2 and 1.3 only. For TLS 1.2, only forward-secret AEAD suites (Mozilla's "intermediate" list
 * without DHE), for RSA and ECDSA certificates; Go's crypto/tls, the API server's client, offers them
 * all. TLS 1.3 suites are all AEAD and stay at Node's defaults.
 */
export const serverTlsSettings: SecureContextOptions = {
  minVersion: 'TLSv1.2',
  ciphers: [
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
  ].join(':'),
};
