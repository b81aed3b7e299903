// Attackers with their own addresses on a decky LAN: a network namespace per attacker, wired into the
// Docker bridge with a veth pair, so host tools (nmap, hydra, ssh) run from distinct source IPs
// (`ip netns exec NAME …`) and each shows up as its own attacker.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import type Docker from 'dockerode'

export type AttackerNamespace = {
  name: string
  ip: string
  /** argv prefix that runs a command inside the namespace. */
  exec: string[]
  remove(): void
}

const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8' })

/** The Linux bridge behind a Docker bridge network (`br-<id12>` unless the network names one). */
export async function bridgeInterfaceOf(docker: Docker, networkName: string): Promise<string> {
  const info = await docker.getNetwork(networkName).inspect()
  return info.Options?.['com.docker.network.bridge.name'] ?? `br-${String(info.Id).slice(0, 12)}`
}

export function attackerNamespace(bridge: string, address: string, gateway: string): AttackerNamespace {
  const tag = randomBytes(3).toString('hex')
  const name = `dnatk-${tag}`
  const outer = `va${tag}`
  const inner = `vb${tag}`
  ip('netns', 'add', name)
  try {
    ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner)
    ip('link', 'set', inner, 'netns', name)
    ip('link', 'set', outer, 'master', bridge)
    ip('link', 'set', outer, 'up')
    ip('-n', name, 'addr', 'add', `${address}/24`, 'dev', inner)
    ip('-n', name, 'link', 'set', inner, 'up')
    ip('-n', name, 'link', 'set', 'lo', 'up')
    ip('-n', name, 'route', 'add', 'default', 'via', gateway)
  } catch (error) {
    ip('netns', 'del', name)
    throw error
  }
  return {
    name,
    ip: address,
    exec: ['ip', 'netns', 'exec', name],
    // Deleting the namespace deletes the veth pair with it.
    remove: () => {
      try {
        ip('netns', 'del', name)
      } catch {
        // already gone
      }
    },
  }
}
