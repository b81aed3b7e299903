import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDockerClient, DockerEngine, type NetworkContext } from '../src/index.ts'
import { readBanner } from './support/banner.ts'
import { deckySpec, ip, removeInstance, tcpService, testInstance, testSubnet } from './support/docker.ts'
import { ensureTestImage } from './support/test-image.ts'

const docker = createDockerClient()
const tag = randomBytes(3).toString('hex')
const instances: string[] = []
const links: string[] = []
let image: string

/** A veth pair whose `a` end stands in for the host NIC the macvlan/ipvlan network hangs off. */
function vethPair(name: string): string {
  const a = `lcv${tag}${name}a`
  ip('link', 'add', a, 'type', 'veth', 'peer', 'name', `lcv${tag}${name}b`)
  links.push(a)
  ip('link', 'set', a, 'up')
  ip('link', 'set', `lcv${tag}${name}b`, 'up')
  return a
}

function linkExists(name: string): boolean {
  try {
    ip('link', 'show', 'dev', name)
    return true
  } catch {
    return false
  }
}

beforeAll(async () => {
  image = await ensureTestImage(docker)
}, 120_000)

afterAll(async () => {
  for (const instance of instances) await removeInstance(docker, instance)
  for (const link of [...links, `lcs${tag}m`, `lcs${tag}i`])
    if (linkExists(link)) ip('link', 'del', 'dev', link)
})

function setup(driver: 'macvlan' | 'ipvlan') {
  const instance = testInstance()
  instances.push(instance)
  const shimName = `lcs${tag}${driver[0]}`
  const { prefix, subnet, gateway } = testSubnet()
  const parent = vethPair(driver[0] ?? 'x')
  const network: NetworkContext = { driver, parent, subnet, gateway, hostAddress: `${prefix}.250` }
  const engine = new DockerEngine({
    image,
    instance,
    networkName: `${instance}_lan`,
    shimName,
    readinessTimeoutMs: 10_000,
  })
  return { engine, network, prefix, shimName, instance }
}

describe('macvlan network with the host shim', () => {
  it('two deckies answer from the host through the shim with their own MACs; teardown drops the route', async () => {
    const { engine, network, prefix, shimName, instance } = setup('macvlan')
    const one = deckySpec('mac-one', `${prefix}.10`, [tcpService('ssh', 22), tcpService('http', 80)])
    const two = deckySpec('mac-two', `${prefix}.11`, [tcpService('telnet', 23)], 'windows')
    await engine.deploy(one, network)
    const listOne = async () =>
      (
        await docker.listContainers({
          all: true,
          filters: { label: [`decnet.instance=${instance}`, 'decnet.decky=mac-one'] },
        })
      )
        .map((c) => c.Id)
        .sort()
    const startedAt = async (ids: string[]) =>
      Promise.all(ids.map(async (id) => (await docker.getContainer(id).inspect()).State.StartedAt))
    const before = await listOne()
    const startedBefore = await startedAt(before)
    await engine.deploy(two, network)
    expect(await listOne()).toEqual(before)
    expect(await startedAt(before)).toEqual(startedBefore)

    expect(ip('-j', '-d', 'link', 'show', 'dev', shimName)).toMatch(/"info_kind":"macvlan"/)
    expect(ip('route', 'show', `${one.ip}/32`)).toContain(`dev ${shimName}`)
    expect(await readBanner(one.ip, 22)).toBe('ssh mac-one mac-one-host\n')
    expect(await readBanner(two.ip, 23)).toMatch(/^telnet mac-two /)
    // The MACs the host learnt on the wire are the ones the spec asked for.
    expect(ip('neigh', 'show', one.ip, 'dev', shimName)).toContain(`lladdr ${one.mac}`)
    expect(ip('neigh', 'show', two.ip, 'dev', shimName)).toContain(`lladdr ${two.mac}`)

    await engine.teardown('mac-one')
    expect(ip('route', 'show', `${one.ip}/32`)).toBe('')
    expect(await listOne()).toEqual([])
    expect(await readBanner(two.ip, 23)).toMatch(/^telnet mac-two /)

    await engine.teardown('mac-two')
    const reaped = await engine.reapOrphans([], { minAgeMs: 0 })
    expect(reaped.networksRemoved).toEqual([`${instance}_lan`])
    expect(linkExists(shimName)).toBe(false)
  })
})

/** Whether this kernel has the ipvlan link type at all (some minimal kernels ship without it). */
function kernelHasIpvlan(parent: string): boolean {
  try {
    ip('link', 'add', `lcp${tag}`, 'link', parent, 'type', 'ipvlan', 'mode', 'l2')
    ip('link', 'del', 'dev', `lcp${tag}`)
    return true
  } catch {
    return false
  }
}

describe('ipvlan L2 network with the host shim', () => {
  it('a decky answers through an ipvlan shim, or the deploy names the missing kernel support', async () => {
    const { engine, network, prefix, shimName } = setup('ipvlan')
    const decky = deckySpec('ipv-one', `${prefix}.10`, [tcpService('ssh', 22)])
    if (!kernelHasIpvlan(network.parent ?? '')) {
      await expect(engine.deploy(decky, network)).rejects.toThrow(
        new RegExp(
          `host shim: \\\`ip link add ${shimName} link ${network.parent} type ipvlan mode l2\\\` failed: .*Unknown device type`,
        ),
      )
      return
    }
    await engine.deploy(decky, network)
    expect(ip('-j', '-d', 'link', 'show', 'dev', shimName)).toMatch(/"info_kind":"ipvlan"/)
    expect(await readBanner(decky.ip, 22)).toMatch(/^ssh ipv-one /)
    await engine.teardown('ipv-one')
  })
})

describe('host shim without CAP_NET_ADMIN', () => {
  it('refuses with a message that says which capability is missing and how to grant it', () => {
    const output = execFileSync(
      'setpriv',
      ['--bounding-set=-net_admin', 'pnpm', 'exec', 'tsx', 'test/support/shim-without-cap.ts'],
      { encoding: 'utf8', cwd: `${import.meta.dirname}/..`, timeout: 30_000 },
    )
    expect(output.trim()).toBe(
      'host shim lcnocap0: macvlan host-side interface setup needs CAP_NET_ADMIN. Either run as root or grant ' +
        'the capability (systemd: AmbientCapabilities=CAP_NET_ADMIN).',
    )
    expect(linkExists('lcnocap0')).toBe(false)
  })
})
