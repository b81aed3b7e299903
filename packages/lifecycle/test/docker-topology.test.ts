// A topology on real Docker, from core's plan through the engine: the entry network `dmz`, `office`
// behind jump-01 and `servers` behind db-gw, each decky deployed by DockerEngine as in production (base,
// decoy with ssh, shaper). Pivots get an interface per network, inner deckies their default route
// through the upstream pivot; from dmz, office answers only connections jump-01 makes, servers only
// db-gw's; teardown of the last decky of a network removes it.
import { deckyTopologySchema, type PlannedDecky, parseFleetIni, planDeploy, seededRandom } from '@decnet/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LABEL } from '../src/engine/docker/labels.ts'
import { topologyNetworkName } from '../src/engine/docker/topology.ts'
import { createDockerClient, DockerEngine, deckySpecFor } from '../src/index.ts'
import { buildDecoyImage } from './support/decoy-image.ts'
import { execNode, removeInstance, testInstance, testSubnet } from './support/docker.ts'

const docker = createDockerClient()
const instance = testInstance()
const lan = testSubnet()
const [dmz, office, servers] = [testSubnet(), testSubnet(), testSubnet()]
const INI = `[network.dmz]\nsubnet = ${dmz.subnet}\nentry = true\n[network.office]\nsubnet = ${office.subnet}\n[network.servers]\nsubnet = ${servers.subnet}\n[attacker]\nservices = ssh\n[jump-01]\nservices = ssh\nnetworks = dmz, office\n[ws-01]\nservices = ssh\nnetworks = office\n[db-gw]\nservices = ssh\nnetworks = office, servers\n[db-01]\nservices = ssh\nnetworks = servers\n`
const lanContext = { driver: 'bridge' as const, subnet: lan.subnet, gateway: lan.gateway }

let engine: DockerEngine
const deckies = new Map<string, PlannedDecky>()

const addressOf = (decky: string, network: string) =>
  deckies.get(decky)?.topology?.links.find((link) => link.network === network)?.ip ?? ''
const baseOf = (decky: string) => `${instance}-${decky}`

function ipRoute(decky: string): Promise<string> {
  return execNode(
    docker,
    baseOf(decky),
    `process.stdout.write(require('child_process').execFileSync('/usr/sbin/ip',['route']))`,
  )
}

/** Whether a TCP connection from inside `from`'s namespace to ip:port is answered within 3 s. */
async function connects(from: string, ip: string, port: number): Promise<boolean> {
  const out = await execNode(
    docker,
    baseOf(from),
    `const s=require('net').connect(${port},'${ip}');s.setTimeout(3000,()=>{console.log('no');process.exit()});s.on('connect',()=>{console.log('yes');process.exit()});s.on('error',()=>{console.log('no');process.exit()})`,
  )
  return out.includes('yes')
}

/** A command as root in a decky's base (it holds NET_ADMIN), as an intruder with a shell there would. */
async function asRoot(decky: string, cmd: string[]): Promise<void> {
  const exec = await docker
    .getContainer(baseOf(decky))
    .exec({ Cmd: cmd, User: '0', AttachStdout: true, AttachStderr: true })
  const stream = await exec.start({ hijack: true, stdin: false })
  stream.resume()
  await new Promise((resolve) => stream.on('end', resolve))
  expect((await exec.inspect()).ExitCode).toBe(0)
}

beforeAll(async () => {
  const image = buildDecoyImage()
  engine = new DockerEngine({ image, instance, networkName: `${instance}_lan`, readinessTimeoutMs: 60_000 })
  const planned = planDeploy({
    existing: [],
    network: { subnet: lan.subnet, gateway: lan.gateway },
    ini: parseFleetIni(INI),
    replaceFleet: false,
    random: seededRandom(7),
  })
  if (!planned.ok) throw planned.error
  for (const decky of planned.plan.create) deckies.set(decky.name, decky)
  // Pivots first, as a deploy's rows run in INI order; each deploy waits until its decky answers.
  for (const decky of deckies.values()) await engine.deploy(deckySpecFor(decky), lanContext)
}, 600_000)

afterAll(async () => {
  await removeInstance(docker, instance)
})

describe('a three-network topology deployed by the Docker engine', () => {
  it('puts each decky on its networks, inner ones routed through their upstream pivot', async () => {
    expect(await ipRoute('ws-01')).toContain(`default via ${addressOf('jump-01', 'office')} `)
    expect(await ipRoute('db-gw')).toContain(`default via ${addressOf('jump-01', 'office')} `)
    expect(await ipRoute('db-01')).toContain(`default via ${addressOf('db-gw', 'servers')} `)
    const jump = await ipRoute('jump-01')
    expect(jump).toContain(office.subnet)
    expect(jump).not.toContain(servers.subnet)
    const internal = await docker.getNetwork(topologyNetworkName(instance, 'office')).inspect()
    expect(internal.Internal).toBe(true)
  })

  it("hands each decoy its topology and observes every decky up (no 'off its network')", async () => {
    const decoy = await docker.getContainer(`${instance}-db-gw.decoy`).inspect()
    const env = decoy.Config.Env.find((line) => line.startsWith('DECNET_TOPOLOGY='))
    const view = deckyTopologySchema.parse(JSON.parse(env?.slice('DECNET_TOPOLOGY='.length) ?? 'null'))
    expect(view).toEqual(deckies.get('db-gw')?.topology)
    const observed = await engine.observe(deckies.keys())
    const states = observed.map((decky) => [decky.name, decky.state, decky.problems]).sort()
    expect(states).toEqual([...deckies.keys()].sort().map((name) => [name, 'up', []]))
  })

  it('keeps office and servers closed to dmz; office answers only from its pivot, servers not even there', async () => {
    // Each refused path waits out its 3 s connect timeout: the independent checks run at once.
    expect(
      await Promise.all([
        connects('attacker', addressOf('jump-01', 'dmz'), 22),
        connects('attacker', addressOf('ws-01', 'office'), 22),
        connects('attacker', addressOf('db-01', 'servers'), 22),
      ]),
    ).toEqual([true, false, false])
    // Routing office through the pivot's kernel does not open it either: Docker admits only office's
    // own addresses onto an internal network, so the way in is a connection made by jump-01 itself
    // (its SSH decoy's forwarding, as `ssh -J jump-01` asks for).
    await asRoot('attacker', [
      '/usr/sbin/ip',
      'route',
      'add',
      office.subnet,
      'via',
      addressOf('jump-01', 'dmz'),
    ])
    expect(
      await Promise.all([
        connects('attacker', addressOf('ws-01', 'office'), 22),
        connects('jump-01', addressOf('ws-01', 'office'), 22),
        connects('jump-01', addressOf('db-01', 'servers'), 22),
        connects('db-gw', addressOf('db-01', 'servers'), 22),
      ]),
    ).toEqual([false, true, false, true])
  })

  it('deploys a decky again without change, and rewires one that lost a network', async () => {
    const gw = deckies.get('db-gw')
    if (!gw) throw new Error('db-gw not planned')
    const again = await engine.deploy(deckySpecFor(gw), lanContext)
    expect(again.created).toEqual([])
    await docker
      .getNetwork(topologyNetworkName(instance, 'servers'))
      .disconnect({ Container: baseOf('db-gw') })
    const [lost] = await engine
      .observe(['db-gw'])
      .then((all) => all.filter((decky) => decky.name === 'db-gw'))
    expect(lost?.problems.join()).toContain(`not attached to ${topologyNetworkName(instance, 'servers')}`)
    await engine.deploy(deckySpecFor(gw), lanContext)
    expect(await ipRoute('db-01')).toContain(`default via ${addressOf('db-gw', 'servers')} `)
    expect(await connects('db-01', addressOf('db-gw', 'servers'), 22)).toBe(true)
  })

  it('keeps a pivot on its networks through a mutation of its services', async () => {
    const jump = deckies.get('jump-01')
    if (!jump) throw new Error('jump-01 not planned')
    const mutated = await engine.mutate(deckySpecFor({ ...jump, services: ['ssh', 'http'] }), lanContext)
    expect(mutated.kept).toContain(baseOf('jump-01'))
    expect(await ipRoute('ws-01')).toContain(`default via ${addressOf('jump-01', 'office')} `)
    expect(await connects('jump-01', addressOf('ws-01', 'office'), 22)).toBe(true)
    expect(await connects('attacker', addressOf('jump-01', 'dmz'), 80)).toBe(true)
  })

  it('reaps an empty topology network while other deckies are known', async () => {
    const stray = topologyNetworkName(instance, 'stray')
    const { prefix } = testSubnet()
    await docker.createNetwork({
      Name: stray,
      Internal: true,
      Labels: { [LABEL.managed]: 'true', [LABEL.instance]: instance },
      IPAM: { Config: [{ Subnet: `${prefix}.0/24`, Gateway: `${prefix}.1` }] },
    })
    const reaped = await engine.reapOrphans(deckies.keys(), { minAgeMs: 0 })
    expect(reaped.networksRemoved).toEqual([stray])
    expect(reaped.containersRemoved).toEqual([])
  })

  it('removes a network with its last decky, and leaves nothing behind', async () => {
    const networks = async () =>
      (await docker.listNetworks({ filters: { label: [`${LABEL.instance}=${instance}`] } })).map(
        (n) => n.Name,
      )
    await engine.teardown('db-01')
    // db-gw still sits on servers.
    expect(await networks()).toContain(topologyNetworkName(instance, 'servers'))
    await engine.teardown('db-gw')
    expect(await networks()).not.toContain(topologyNetworkName(instance, 'servers'))
    for (const name of ['ws-01', 'jump-01', 'attacker']) await engine.teardown(name)
    const filters = { label: [`${LABEL.instance}=${instance}`] }
    expect(await docker.listContainers({ all: true, filters })).toEqual([])
    expect(await networks()).toEqual([])
  })
})
