import type { DeckyTopologyNeighbour } from '@decnet/core/schemas'
import type { SeededRandom } from '../../framework/random.ts'
import { innerNeighbours } from './host-network.ts'
import type { ShellHost } from './persona.ts'

/**
 * What an admin's daily work leaves behind about the networks a topology decky sits on, so an
 * intruder finds the way in: neighbours in /etc/hosts, and on a pivot the hosts of its inner networks
 * in `~/.ssh/known_hosts`, `~/.ssh/config` and the shell history. Nothing on a flat decky.
 */

/** The most neighbours /etc/hosts names (a hand-kept file lists the hosts an admin works on). */
const MAX_HOSTS_ENTRIES = 16
/** The most inner hosts a pivot's ssh traces name. */
const MAX_HOPS = 6

/** `/etc/hosts` lines for the decky's neighbours, pivots first (empty on a flat decky). */
export function neighbourHostsLines(host: ShellHost): string[] {
  const topology = host.topology
  if (!topology) return []
  const ordered = [
    ...topology.neighbours.filter((neighbour) => neighbour.pivot),
    ...topology.neighbours.filter((neighbour) => !neighbour.pivot),
  ]
  return ordered.slice(0, MAX_HOSTS_ENTRIES).map((neighbour) => `${neighbour.ip}\t${neighbour.hostname}`)
}

/** The inner hosts a pivot's admins log in to, with the account each uses (empty unless a pivot). */
export function pivotHops(host: ShellHost): { neighbour: DeckyTopologyNeighbour; user: string }[] {
  const topology = host.topology
  if (!topology?.forwards) return []
  const random = host.random.fork('pivot-hops')
  return random.sample(innerNeighbours(topology), MAX_HOPS).map((neighbour) => ({
    neighbour,
    user: random.pick(['admin', 'deploy', 'root', 'ops', 'backup']),
  }))
}

/** `~/.ssh/known_hosts` of a pivot's admin: one host key line per inner host logged in to. */
export function knownHosts(host: ShellHost): string {
  return pivotHops(host)
    .map(
      ({ neighbour }) =>
        `${neighbour.hostname},${neighbour.ip} ${fakeEd25519Key(host.random.fork(`known-host/${neighbour.ip}`))}\n`,
    )
    .join('')
}

/** `~/.ssh/config` of a pivot's admin: a short alias per inner host. */
export function sshConfig(host: ShellHost): string {
  return pivotHops(host)
    .map(
      ({ neighbour, user }) =>
        `Host ${neighbour.hostname}\n    HostName ${neighbour.ip}\n    User ${user}\n    ServerAliveInterval 60\n\n`,
    )
    .join('')
}

/** History lines of a pivot's admin hopping on into the inner networks. */
export function hopHistory(host: ShellHost, random: SeededRandom): string[][] {
  return pivotHops(host).map(({ neighbour, user }) =>
    random.pick([
      [`ssh ${user}@${neighbour.hostname}`],
      [`ping -c 3 ${neighbour.ip}`, `ssh ${neighbour.hostname}`],
      [`scp ${random.pick(['backup.tar.gz', 'deploy.sh', '.bashrc'])} ${user}@${neighbour.hostname}:/tmp/`],
      [`ssh-copy-id ${user}@${neighbour.ip}`],
    ]),
  )
}

/** An `ssh-ed25519 <blob>` public key whose 32 key bytes come from `random`. */
export function fakeEd25519Key(random: SeededRandom): string {
  const type = Buffer.from('ssh-ed25519')
  const blob = Buffer.alloc(4 + type.length + 4 + 32)
  blob.writeUInt32BE(type.length, 0)
  type.copy(blob, 4)
  blob.writeUInt32BE(32, 4 + type.length)
  random.bytes(32).copy(blob, 8 + type.length)
  return `ssh-ed25519 ${blob.toString('base64')}`
}
