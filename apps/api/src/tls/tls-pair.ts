// The certificate and key a TLS listener serves, read once at start-up, and what an operator
// compares to pin it (the SHA-256 fingerprint browsers show).
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { TlsFiles } from '../config.ts'

/** Strict-Transport-Security of every HTTPS response: a year, this host only (subdomains are the operator's). */
export const HSTS_HEADER_VALUE = 'max-age=31536000'

export type TlsPair = { cert: string; key: string; fingerprint: string }

/** `AB:CD:…` SHA-256 of the certificate's DER encoding. */
export function certificateFingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256
}

export function readTlsPair(files: TlsFiles): TlsPair {
  const cert = readFileSync(files.certFile, 'utf8')
  const key = readFileSync(files.keyFile, 'utf8')
  return { cert, key, fingerprint: certificateFingerprint(cert) }
}
