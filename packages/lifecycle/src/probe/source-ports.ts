/**
 * Chooses a readiness probe's source before it connects: the address the kernel would route it from
 * and a random port, so the probe's source can be recorded (probe-ledger.ts) before any packet leaves.
 */
import { createSocket } from 'node:dgram'

/** Linux's default ephemeral range: ports the kernel itself would pick for an outgoing connection. */
const FIRST_PORT = 32_768
const LAST_PORT = 60_999
/**
 * A port stays out of rotation this long after use: a TCP probe that connected leaves its 4-tuple in
 * TIME_WAIT (60 s on Linux), and reusing it towards the same service would fail to connect.
 */
const REUSE_AFTER_MS = 120_000

/** Ports this process handed out recently, with when they may be handed out again. */
const taken = new Map<number, number>()

/** A random port of the ephemeral range no probe of this process used in the last two minutes. */
export function pickSourcePort(now = Date.now()): number {
  if (taken.size > 1024) for (const [port, until] of taken) if (until <= now) taken.delete(port)
  for (;;) {
    const port = FIRST_PORT + Math.floor(Math.random() * (LAST_PORT - FIRST_PORT + 1))
    const until = taken.get(port)
    if (until !== undefined && until > now) continue
    taken.set(port, now + REUSE_AFTER_MS)
    return port
  }
}

/**
 * The local address the kernel routes to `host` from: a connected UDP socket sends nothing but has its
 * source chosen (the bridge gateway for a Docker bridge decky, 127.0.0.1 for a loopback one, this
 * machine's LAN address for a remote host's decky).
 */
export function routeSourceAddress(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4')
    socket.once('error', (error) => {
      socket.close()
      reject(error)
    })
    socket.connect(9, host, () => {
      const { address } = socket.address()
      socket.close()
      resolve(address)
    })
  })
}

/** Errors that mean "this source port cannot be used now", not "the service does not answer". */
export function isSourcePortClash(reason: string): boolean {
  return reason === 'EADDRINUSE' || reason === 'EADDRNOTAVAIL'
}
