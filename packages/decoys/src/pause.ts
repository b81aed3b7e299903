import { announceToGateway } from './announce.ts'
import { idleUntilStopped } from './idle-until-stopped.ts'

/**
 * PID 1 of a decky's base container: owns the network namespace the service containers join,
 * announces the decky's MAC on the LAN once (announce.ts), and otherwise does nothing until stopped.
 */
idleUntilStopped()
let announced: string | undefined
try {
  announced = announceToGateway()
} catch {
  // No /proc/net/route (not a Linux namespace): nothing to announce to.
}
process.stderr.write(`decnet-pause: ready${announced ? ` (announced to ${announced})` : ''}\n`)
