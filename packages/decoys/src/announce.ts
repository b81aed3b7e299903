import { createSocket } from 'node:dgram'
import { readFileSync } from 'node:fs'

/**
 * The IPv4 default gateway of this network namespace, from /proc/net/route (hex, little-endian),
 * or undefined when there is none (an internal network).
 */
export function defaultGateway(routeTable: string): string | undefined {
  for (const line of routeTable.split('\n').slice(1)) {
    const [, destination, gateway, flags] = line.trim().split(/\s+/)
    // RTF_UP (0x1) and RTF_GATEWAY (0x2), destination 0.0.0.0.
    if (destination !== '00000000' || !gateway || (Number.parseInt(flags ?? '0', 16) & 0x3) !== 0x3) continue
    const value = Number.parseInt(gateway, 16)
    return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24].join('.')
  }
  return undefined
}

/**
 * Makes the LAN learn this decky's MAC now, as a booting host does. A decky that takes over an
 * address (a teardown then a deploy, a repair, a mutation) has a new MAC, and every neighbour cache
 * (the Docker bridge's, a macvlan LAN's router) still maps the address to the old one for up to a
 * minute: nothing reaches the decky meanwhile, readiness probes included. One datagram to the
 * gateway's discard port makes the kernel broadcast an ARP request from the new MAC, which the
 * gateway and every Linux neighbour holding an entry for this address take as its new owner.
 */
export function announceToGateway(routeTable = readFileSync('/proc/net/route', 'utf8')): string | undefined {
  const gateway = defaultGateway(routeTable)
  if (!gateway) return undefined
  const socket = createSocket('udp4')
  socket.on('error', () => socket.close())
  socket.send(Buffer.alloc(0), 9, gateway, () => socket.close())
  return gateway
}
