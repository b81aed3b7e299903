import { createHash } from 'node:crypto'

/**
 * Build facts of a vendor release (commit, build date). Real ones are not in the persona tables, so
 * they are derived from product and version alone: every decky claiming one release agrees (as real
 * installations of one release do), and nothing is drawn per decky.
 */
export function releaseCommit(product: string, version: string, length: number): string {
  return createHash('sha256').update(`release-commit/${product}/${version}`).digest('hex').slice(0, length)
}

/** A build timestamp (`2024-10-17T13:38:41Z`) in the months before the release went out, stable per release. */
export function releaseDate(product: string, version: string, base = Date.UTC(2024, 0, 1)): string {
  const digest = createHash('sha256').update(`release-date/${product}/${version}`).digest()
  const offsetSeconds = digest.readUInt32BE(0) % (300 * 86_400)
  return new Date(base + offsetSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z')
}
