/** A PEM certificate chain and its key. */
export interface CertificatePair {
  cert: string;
  key: string;
}

/**
 * Where the serving certificate comes from. The server asks for the current pair when it starts and is
 * told of every change, so a rotated certificate is served to new connections without a restart.
 */
export interface CertificateSource {
  current(): CertificatePair;
  onChange(listener: (pair: CertificatePair) => void): void;
  close(): void;
}
