// Issue 22's acceptance on real Docker, through the API as `npm start` runs it: a three-network
// topology (entry dmz, office behind jump-01, servers behind db-gw) deploys with live progress; from a
// container on the entry network jump-01 answers and the inner networks do not; Debian's OpenSSH
// client, logged into jump-01, reaches an office decky through it (`ssh -W`, what `ssh -J` does) but
// not a servers one; the teardown leaves no container or network behind.
import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { DECOY_IMAGE_TAG } from '../../../packages/decoys/src/image-tag.ts'
import { sshpassArgs } from '../../../packages/decoys/test/support/ssh-client.ts'
import { signInAdmin } from '../../fixtures/auth.ts'
import { docker } from '../../fixtures/docker.ts'
import { freeSubnet } from '../../fixtures/network.ts'
import { readSubscription } from '../../fixtures/sse.ts'
import { expect, test } from '../../fixtures/stack.ts'
import { waitTerminal } from '../../fixtures/ui-helpers.ts'

const run = promisify(execFile)
const PASSWORD = 'Maze-Root-Login-31'
const DECKIES = ['tp-jump-01', 'tp-ws-01', 'tp-db-gw', 'tp-db-01']

type Row = { id: string; deckyName: string; status: string }

function topologyIni(): string {
  const [dmz, office, servers] = [
    freeSubnet('10.213', process.pid),
    freeSubnet('10.214', process.pid),
    freeSubnet('10.215', process.pid),
  ]
  const decky = (name: string, networks: string) =>
    `[${name}]\nservices = ssh\nnetworks = ${networks}\n[${name}.ssh]\npassword = ${PASSWORD}\n`
  return [
    `[network.tp-dmz]\nsubnet = ${dmz.subnet}\nentry = true\n`,
    `[network.tp-office]\nsubnet = ${office.subnet}\n`,
    `[network.tp-servers]\nsubnet = ${servers.subnet}\n`,
    decky('tp-jump-01', 'tp-dmz, tp-office'),
    decky('tp-ws-01', 'tp-office'),
    decky('tp-db-gw', 'tp-office, tp-servers'),
    decky('tp-db-01', 'tp-servers'),
  ].join('')
}

/** Whether a TCP connection from a fresh container on `network` to ip:22 is answered within 3 s. */
async function answersFrom(network: string, instance: string, ip: string): Promise<boolean> {
  const script = `const s=require('net').connect(22,'${ip}');s.setTimeout(3000,()=>{console.log('no');process.exit()});s.on('connect',()=>{console.log('yes');process.exit()});s.on('error',()=>{console.log('no');process.exit()})`
  const { stdout } = await run(
    'docker',
    [
      'run',
      '--rm',
      '--label',
      `decnet.instance=${instance}`,
      '--network',
      network,
      '--entrypoint',
      '/usr/bin/node',
      DECOY_IMAGE_TAG,
      '-e',
      script,
    ],
    { timeout: 60_000 },
  )
  return stdout.includes('yes')
}

/**
 * OpenSSH logged into `pivot` as root, asking it for a channel to target:22 (`ssh -W`, what `ssh -J`
 * does); what came back through it before the target's banner (or 20 s, or ssh's exit).
 */
function throughPivot(pivot: string, target: string): Promise<string> {
  const args = sshpassArgs({ address: pivot, password: PASSWORD, quiet: true }).flatMap((arg) =>
    arg === `root@${pivot}` ? ['-W', `${target}:22`, arg] : [arg],
  )
  return new Promise((resolve) => {
    const child = spawn('sshpass', args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    const done = () => {
      clearTimeout(timer)
      child.kill()
      resolve(output)
    }
    const timer = setTimeout(done, 20_000)
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8')
        if (/SSH-2\.0-/.test(output)) done()
      })
    }
    child.on('exit', done)
  })
}

test('a three-network topology deploys with live progress; from its entry network jump-01 leads into office and nowhere else; teardown leaves nothing', async ({
  stack,
}) => {
  test.setTimeout(600_000)
  const { client, token } = await signInAdmin(stack)
  const { lifecycleIds: ids } = await client.fleet.deploy.mutate({ ini: topologyIni() })
  expect(ids).toHaveLength(DECKIES.length)

  // Live progress: one watcher sees each decky's row go to succeeded, in order.
  const { events } = await readSubscription<Row>(
    stack.apiUrl,
    'fleet.watchLifecycle',
    { ids },
    token,
    undefined,
    (got) =>
      ids.every((id) => got.some((event) => event.data.id === id && event.data.status === 'succeeded')),
  )
  for (const id of ids) {
    const statuses = events.filter((event) => event.data.id === id).map((event) => event.data.status)
    expect([['pending', 'running', 'succeeded'], ['running', 'succeeded'], ['succeeded']]).toContainEqual(
      statuses.slice(
        statuses.indexOf('pending') === -1 ? statuses.indexOf('running') : statuses.indexOf('pending'),
      ),
    )
  }
  const rows = await waitTerminal(client, ids)
  expect(rows.map((row) => `${row.deckyName}: ${row.status} ${row.error ?? ''}`.trim())).toEqual(
    DECKIES.map((name) => `${name}: succeeded`),
  )

  const fleet = await client.fleet.list.query()
  const ipOf = (name: string) => fleet.find((decky) => decky.name === name)?.ip ?? ''
  const dmz = `${stack.instance}-net-tp-dmz`

  // From a container on the entry network: the pivot answers, the inner networks do not.
  expect(await answersFrom(dmz, stack.instance, ipOf('tp-jump-01'))).toBe(true)
  expect(await answersFrom(dmz, stack.instance, ipOf('tp-ws-01'))).toBe(false)
  expect(await answersFrom(dmz, stack.instance, ipOf('tp-db-01'))).toBe(false)

  // Through jump-01's SSH: office's decky answers with its own SSH banner; servers' is refused.
  expect(await throughPivot(ipOf('tp-jump-01'), ipOf('tp-ws-01'))).toMatch(/^SSH-2\.0-/m)
  expect(await throughPivot(ipOf('tp-jump-01'), ipOf('tp-db-01'))).not.toMatch(/^SSH-2\.0-/m)

  // DECNET stored both requests on jump-01: the hop into office allowed, the one past it refused.
  await expect
    .poll(
      async () =>
        (await client.logs.search.query({ q: 'event:tcpip_forward decky:tp-jump-01', limit: 10 })).rows
          .map((row) =>
            `${row.fields.neighbour ?? row.fields.dst_ip} ${row.fields.allowed} ${row.fields.reason ?? ''}`.trim(),
          )
          .sort(),
      { timeout: 60_000 },
    )
    .toEqual([`${ipOf('tp-db-01')} false not_a_neighbour`, 'tp-ws-01 true'])

  // The hop is one path on the attacker's record (attackers.path, the attacker page) and on the
  // topology (topology.get, the topology view), whose networks hang off their pivots.
  await expect
    .poll(
      async () => {
        for (const row of (await client.attackers.list.query({ decky: 'tp-jump-01' })).rows) {
          const { path } = await client.attackers.path.query({ id: row.id })
          if (path.length > 0) return path
        }
        return []
      },
      { timeout: 60_000 },
    )
    .toEqual(['tp-jump-01', 'tp-ws-01'])
  const topology = await client.topology.get.query()
  expect(
    topology.networks.filter((n) => n.name.startsWith('tp-')).map((n) => [n.name, n.entry, n.parent, n.via]),
  ).toEqual([
    ['tp-dmz', true, null, null],
    ['tp-office', false, 'tp-dmz', 'tp-jump-01'],
    ['tp-servers', false, 'tp-office', 'tp-db-gw'],
  ])
  expect(topology.hops.map((hop) => [hop.from, hop.to])).toContainEqual(['tp-jump-01', 'tp-ws-01'])

  // Teardown: every container and every topology network goes.
  const torn: string[] = []
  for (const name of DECKIES) torn.push(...(await client.fleet.teardown.mutate({ name })).lifecycleIds)
  expect((await waitTerminal(client, torn)).every((row) => row.status === 'succeeded')).toBe(true)
  const left = docker([
    'ps',
    '-a',
    '--format',
    '{{.Names}}',
    '--filter',
    `label=decnet.instance=${stack.instance}`,
  ])
  expect(left.split('\n').filter((name) => name.startsWith(`${stack.instance}-tp-`))).toEqual([])
  const networks = docker([
    'network',
    'ls',
    '--format',
    '{{.Name}}',
    '--filter',
    `label=decnet.instance=${stack.instance}`,
  ])
  expect(networks.split('\n').filter((name) => name.startsWith(`${stack.instance}-net-`))).toEqual([])
})
