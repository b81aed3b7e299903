import { networkInterfaces } from 'node:os'
import type { Emulator } from '../emulator.ts'
import { running } from '../framework/listeners.ts'
import { listenUdp, type UdpListener } from '../framework/udp.ts'
import { aData, CLASS_IN, encodeResponse, parseQuery, TYPE, typeName } from './dns-wire.ts'
import { personaOf } from './windows-persona.ts'

const MULTICAST = { llmnr: '224.0.0.252', mdns: '224.0.0.251' }

/**
 * LLMNR (5355) and mDNS (5353) listener. On a segment, nothing legitimate asks a decoy for names,
 * so any query is logged as a `scan` (Responder and friends). The decky still answers for its own
 * hostname, as a real Windows/Linux host does, and stays silent for everything else: it must never
 * poison anyone itself.
 */
export const llmnrEmulator: Emulator = {
  slug: 'llmnr',
  async start(ctx) {
    // The persona's host name (and, on a domain member, its FQDN), as Windows registers them.
    const persona = personaOf(ctx)
    const host = persona.hostname.toLowerCase()
    const ownNames = new Set([
      host,
      `${host}.local`,
      ...(persona.domain?.joined ? [`${host}.${persona.domain.dns.toLowerCase()}`] : []),
    ])
    // Bound to 0.0.0.0 (a container), the decky's address is its one interface's IPv4 address.
    const ownAddress =
      /^\d+\.\d+\.\d+\.\d+$/.test(ctx.bindAddress) && ctx.bindAddress !== '0.0.0.0'
        ? ctx.bindAddress
        : interfaceAddress()
    const listeners: UdpListener[] = []
    try {
      for (const [index, port] of ctx.ports.entries()) {
        const protocol = port === 5353 || (port !== 5355 && index === 1) ? 'mdns' : 'llmnr'
        const listener = await listenUdp({
          ctx,
          port,
          maxDatagramBytes: 1500,
          handle(datagram, peer) {
            const query = parseQuery(datagram)
            if (query.flags & 0x8000) return
            for (const question of query.questions) {
              peer.emit('scan', { protocol, name: question.name, qtype: typeName(question.type) })
            }
            const question = query.questions[0]
            if (!question || !ownAddress || !ownNames.has(question.name.toLowerCase())) return
            if (question.type !== TYPE.A && question.type !== TYPE.ANY) return
            const single = { ...query, questions: [question] }
            peer.reply(
              encodeResponse({
                query: single,
                authoritative: protocol === 'mdns',
                answers: [
                  {
                    name: question.name,
                    type: TYPE.A,
                    class: CLASS_IN,
                    ttl: 30,
                    data: aData(ownAddress),
                  },
                ],
              }),
            )
          },
        })
        listeners.push(listener)
        if (ctx.bindAddress === '0.0.0.0') {
          try {
            listener.socket.addMembership(MULTICAST[protocol])
          } catch {
            // No multicast route (e.g. an isolated network namespace): unicast queries still work.
          }
        }
      }
    } catch (error) {
      await Promise.all(listeners.map((listener) => listener.close()))
      throw error
    }
    return running(listeners)
  },
}

/** The first non-loopback IPv4 address of this network namespace (a decky has exactly one). */
function interfaceAddress(): string | undefined {
  for (const entries of Object.values(networkInterfaces()))
    for (const entry of entries ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address
  return undefined
}
