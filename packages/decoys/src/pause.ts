import { announceToGateway } from './announce.ts'

/**
 * PID 1 of a decky's base container: owns the network namespace the service containers join,
 * announces the decky's MAC on the LAN once (announce.ts), and otherwise does nothing. Exits at
 * once on SIGTERM/SIGINT so `docker stop` is instant (PID 1 has no default signal actions, so
 * without these handlers the daemon would wait and SIGKILL).
 */
const keepAlive = setInterval(() => undefined, 2 ** 31 - 1)
const stop = () => {
  clearInterval(keepAlive)
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
let announced: string | undefined
try {
  announced = announceToGateway()
} catch {
  // No /proc/net/route (not a Linux namespace): nothing to announce to.
}
process.stderr.write(`decnet-pause: ready${announced ? ` (announced to ${announced})` : ''}\n`)
