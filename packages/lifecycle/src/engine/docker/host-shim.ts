import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import type { NetworkDriver } from '@decnet/core'

const run = promisify(execFile)
const IP_TIMEOUT_MS = 5_000
const CAP_NET_ADMIN_BIT = 12n

async function ip(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('ip', args, { timeout: IP_TIMEOUT_MS })
    return stdout
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim()
    throw new Error(`host shim: \`ip ${args.join(' ')}\` failed: ${stderr || (error as Error).message}`)
  }
}

/** Effective-capability bit 12, so a non-root process granted CAP_NET_ADMIN is accepted too. */
export async function hasNetAdmin(): Promise<boolean> {
  const status = await readFile('/proc/self/status', 'utf8')
  const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1]
  return hex !== undefined && ((BigInt(`0x${hex}`) >> CAP_NET_ADMIN_BIT) & 1n) === 1n
}

type LinkInfo = { ifname: string; link?: string; linkinfo?: { info_kind?: string } }

async function linkDetails(name: string): Promise<LinkInfo | undefined> {
  try {
    const [link] = JSON.parse(await ip('-j', '-d', 'link', 'show', 'dev', name)) as LinkInfo[]
    return link
  } catch {
    return undefined
  }
}

/** The first IPv4 address of an interface, used as the shim's address when none is configured. */
export async function interfaceAddress(name: string): Promise<string | undefined> {
  const [link] = JSON.parse(await ip('-j', '-4', 'addr', 'show', 'dev', name)) as {
    addr_info?: { local?: string }[]
  }[]
  return link?.addr_info?.[0]?.local
}

/**
 * The host-side macvlan/ipvlan child ("hairpin"): macvlan and ipvlan children cannot talk to their
 * parent interface, so the host gets a sibling interface of its own plus a /32 route per decky.
 */
export class HostShim {
  constructor(
    readonly name: string,
    private readonly kind: Exclude<NetworkDriver, 'bridge'>,
    private readonly parent: string,
    private readonly address: string,
  ) {}

  async ensure(): Promise<void> {
    if (!(await hasNetAdmin())) {
      throw new Error(
        `host shim ${this.name}: ${this.kind} host-side interface setup needs CAP_NET_ADMIN. Either run as root ` +
          'or grant the capability (systemd: AmbientCapabilities=CAP_NET_ADMIN).',
      )
    }
    const existing = await linkDetails(this.name)
    if (existing && (existing.linkinfo?.info_kind !== this.kind || existing.link !== this.parent)) {
      // Left over from another driver or parent: a NIC cannot host both kinds (EBUSY), so rebuild it.
      await ip('link', 'del', 'dev', this.name)
    }
    if (!existing || existing.linkinfo?.info_kind !== this.kind || existing.link !== this.parent) {
      const mode = this.kind === 'macvlan' ? 'bridge' : 'l2'
      await ip('link', 'add', this.name, 'link', this.parent, 'type', this.kind, 'mode', mode)
    }
    await ip('addr', 'replace', `${this.address}/32`, 'dev', this.name)
    await ip('link', 'set', 'dev', this.name, 'up')
  }

  routeTo(deckyIp: string): Promise<unknown> {
    return ip('route', 'replace', `${deckyIp}/32`, 'dev', this.name)
  }

  static async dropRoute(shimName: string, deckyIp: string): Promise<void> {
    await ip('route', 'del', `${deckyIp}/32`, 'dev', shimName).catch(() => undefined)
  }

  static async remove(shimName: string): Promise<void> {
    if (await linkDetails(shimName)) await ip('link', 'del', 'dev', shimName)
  }
}
