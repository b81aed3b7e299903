import { createHash } from 'node:crypto'

/**
 * A stable loopback address for a decky: 127.x.y.z from a hash of its name, skipping 127.0.0.0/16
 * (127.0.0.1 and friends are the host's own services) and the .0/.255 host parts. `taken` holds the
 * addresses of other deckies; a collision moves to the next candidate, so the result stays derived
 * from the name yet unique within one engine. `scope` (an installation's data dir) keeps two engines
 * on one machine apart: without it, both would put a decky of the same name on the same address.
 */
export function loopbackAddressFor(name: string, taken: ReadonlySet<string> = new Set(), scope = ''): string {
  const digest = createHash('sha256')
    .update(scope ? `${scope}\0${name}` : name)
    .digest()
  // 254 × 256 × 254 usable addresses: x in 1..254, y in 0..255, z in 1..254.
  const space = 254 * 256 * 254
  const start = digest.readUInt32BE(0) % space
  for (let offset = 0; offset < space; offset++) {
    const index = (start + offset) % space
    const x = 1 + Math.floor(index / (256 * 254))
    const y = Math.floor(index / 254) % 256
    const z = 1 + (index % 254)
    const address = `127.${x}.${y}.${z}`
    if (!taken.has(address)) return address
  }
  throw new Error('no free loopback address left')
}
