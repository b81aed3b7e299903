// A topology on real Docker, from core's plan to the engine's wiring: the entry LAN, `office` behind
// jump-01 and `servers` behind db-gw, as deckies' base containers of the real decoy image. Pivots get
// an interface per network, inner deckies their default route through the upstream pivot, and
// teardown leaves no container or network behind.
import { type PlannedTopology, parseFleetIni, planDeploy, seededRandom } from '@decnet/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ensureTopologyNetwork,
  linkTopologyDecky,
  PIVOT_SYSCTLS,
  removeTopologyNetwork,
  topologyNetworkName,
} from '../src/engine/docker/topology.ts'
import { createDockerClient } from '../src/index.ts'
import { buildDecoyImage } from './support/decoy-image.ts'
import { execNode, removeInstance, testInstance, testSubnet } from './support/docker.ts'

const docker = createDockerClient()
const instance = testInstance()
const TIMEOUT = 30_000
let image: string
let topology: PlannedTopology
const ids = new Map<string, string>()

const [dmz, office, servers] = [testSubnet(), testSubnet(), testSubnet()]
const INI = `[network.dmz]\nsubnet = ${dmz.subnet}\nentry = true\n[network.office]\nsubnet = ${office.subnet}\n[network.servers]\nsubnet = ${servers.subnet}\n[attacker]\nservices = ssh\n[jump-01]\nservices = ssh\nnetworks = dmz, office\n[ws-01]\nservices = ssh\nnetworks = office\n[db-gw]\nservices = ssh\nnetworks = office, servers\n[db-01]\nservices = ssh\nnetworks = servers\n`

const addressOf = (decky: string, network: string) =>
  topology.deckies[decky]?.links.find((link) => link.network === network)?.ip ?? ''

async function ipRoute(decky: string): Promise<string> {
  return execNode(
    docker,
    ids.get(decky) ?? '',
    `process.stdout.write(require('child_process').execFileSync('/usr/sbin/ip',['route']))`,
  )
}

beforeAll(async () => {
  image = buildDecoyImage()
  const lan = testSubnet()
  const planned = planDeploy({
    existing: [],
    network: { subnet: lan.subnet, gateway: lan.gateway },
    ini: parseFleetIni(INI),
    replaceFleet: false,
    random: seededRandom(7),
  })
  if (!planned.ok || !planned.plan.topology) throw new Error('the test topology did not plan')
  topology = planned.plan.topology
  for (const network of topology.networks) await ensureTopologyNetwork(docker, instance, network, TIMEOUT)
  for (const [name, decky] of Object.entries(topology.deckies)) {
    const first = decky.links[0]
    if (!first) throw new Error(`${name} has no network`)
    const networkName = topologyNetworkName(instance, first.network)
    const container = await docker.createContainer({
      name: `${instance}-${name}`,
      Image: image,
      Entrypoint: ['/opt/decnet/pause'],
      Cmd: [],
      Labels: { 'decnet.managed': 'true', 'decnet.instance': instance, 'decnet.decky': name },
      HostConfig: {
        NetworkMode: networkName,
        CapAdd: ['NET_ADMIN'],
        Sysctls: decky.forwards
          ? Object.fromEntries(Object.entries(PIVOT_SYSCTLS).map(([key, value]) => [key, String(value)]))
          : {},
      },
      NetworkingConfig: { EndpointsConfig: { [networkName]: { IPAMConfig: { IPv4Address: first.ip } } } },
    })
    await container.start()
    ids.set(name, container.id)
    await linkTopologyDecky(docker, instance, container.id, decky, TIMEOUT)
  }
}, 300_000)

afterAll(async () => {
  await removeInstance(docker, instance)
})

describe('a three-network topology on Docker', () => {
  it('gives inner deckies a default route through their upstream pivot', async () => {
    expect(await ipRoute('ws-01')).toContain(`default via ${addressOf('jump-01', 'office')} `)
    expect(await ipRoute('db-gw')).toContain(`default via ${addressOf('jump-01', 'office')} `)
    expect(await ipRoute('db-01')).toContain(`default via ${addressOf('db-gw', 'servers')} `)
    const jump = await ipRoute('jump-01')
    expect(jump).toContain(office.subnet)
    expect(jump).not.toContain(servers.subnet)
  })

  it('wires a decky again without change (idempotent)', async () => {
    const gw = topology.deckies['db-gw']
    if (!gw) throw new Error('db-gw not planned')
    await linkTopologyDecky(docker, instance, ids.get('db-gw') ?? '', gw, TIMEOUT)
    expect(await ipRoute('db-01')).toContain(`default via ${addressOf('db-gw', 'servers')} `)
  })

  it('leaves no container or network behind after teardown', async () => {
    for (const id of ids.values()) await docker.getContainer(id).remove({ force: true })
    for (const network of topology.networks)
      await removeTopologyNetwork(docker, instance, network.name, TIMEOUT)
    const filters = { label: [`decnet.instance=${instance}`] }
    expect(await docker.listContainers({ all: true, filters })).toEqual([])
    expect(await docker.listNetworks({ filters })).toEqual([])
    // Removing what is gone already is fine (a resumed teardown).
    await removeTopologyNetwork(docker, instance, 'office', TIMEOUT)
  })
})
