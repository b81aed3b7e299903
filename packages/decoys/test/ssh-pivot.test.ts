// A topology pivot's SSH (issue 22): OpenSSH's `-W` (what `-J` uses) reaches a neighbour through the
// decoy, byte for byte; a gateway (the host's bridge), any other address and every non-pivot refuse.
// Echo servers listen on every address tried, so a refusal is the decoy's, not an empty port's.
import { execFile, spawn } from 'node:child_process'
import { createServer, type Server, type Socket } from 'node:net'
import { promisify } from 'node:util'
import type { DeckyTopology } from '@decnet/core/schemas'
import type { Client, ClientChannel } from 'ssh2'
import { afterEach, describe, expect, it } from 'vitest'
import type { DecoyEvent, RunningEmulator } from '../src/emulator.ts'
import { MAX_FORWARDED_CHANNEL_BYTES, MAX_FORWARDED_CHANNELS } from '../src/protocols-text/ssh-forward.ts'
import { startEmulator } from '../src/start.ts'
import { eventLog, loopbackHost } from './helpers.ts'
import { debianPersona } from './shell-personas.ts'
import { connectSsh, execSsh } from './ssh-login.ts'
import { sshpassArgs } from './support/ssh-client.ts'

const run = promisify(execFile)
const PASSWORD = 'Winter2026!'
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

type Echo = { host: string; port: number; open: () => number }

/** A TCP echo server on `host`, counting the connections it holds open. */
async function echoServer(host: string): Promise<Echo> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    socket.pipe(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
  })
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('echo server has no port')
  return { host, port: address.port, open: () => sockets.size }
}

type Network = { sshHost: string; neighbour: Echo; gateway: Echo; stranger: Echo; topology: DeckyTopology }

/** A pivot between `dmz` and `office`, its neighbour `db01` on office; every address has an echo server. */
async function pivotNetwork(forwards: boolean): Promise<Network> {
  const sshHost = loopbackHost()
  const [neighbour, gateway, stranger] = await Promise.all(
    [loopbackHost(), loopbackHost(), loopbackHost()].map(echoServer),
  )
  if (!neighbour || !gateway || !stranger) throw new Error('echo servers missing')
  const topology: DeckyTopology = {
    links: [
      { network: 'dmz', ip: sshHost, subnet: '127.0.0.0/8', networkGateway: gateway.host, internal: false },
      {
        network: 'office',
        ip: '10.99.0.2',
        subnet: '10.99.0.0/24',
        networkGateway: '10.99.0.1',
        internal: true,
      },
    ],
    gateway: null,
    forwards,
    neighbours: [
      { name: 'office-db', hostname: 'db01', ip: neighbour.host, network: 'office', pivot: false },
      // Even listed as a neighbour, the host's bridge address is never forwarded to.
      { name: 'bridge', hostname: 'bridge', ip: gateway.host, network: 'dmz', pivot: false },
    ],
  }
  return { sshHost, neighbour, gateway, stranger, topology }
}

async function startPivot(network: Network) {
  const log = eventLog()
  const running: RunningEmulator = await startEmulator('ssh', {
    decky: 'decky-pivot',
    bindAddress: network.sshHost,
    ports: [0],
    config: { password: PASSWORD },
    persona: debianPersona('0123456789abcdef0123456789abcdef'),
    topology: network.topology,
    onEvent: log.sink,
  })
  cleanups.push(() => running.close())
  return { target: { host: network.sshHost, port: running.ports[0] as number }, log }
}

/** OpenSSH `-W destination:port` through the decoy: what came back on stdout and the exit code. */
function sshStdio(
  target: { host: string; port: number },
  destination: string,
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const args = sshpassArgs({ address: target.host, port: target.port, password: PASSWORD, quiet: true })
  args.splice(args.indexOf('ssh') + 1, 0, '-W', destination)
  const child = spawn('sshpass', args)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  child.stdin.end(input)
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
}

/** A real ssh2 client logged in to the decoy, ended after the test. */
async function loggedIn(target: { host: string; port: number }): Promise<Client> {
  const client = await connectSsh(target, 'root', PASSWORD)
  cleanups.push(async () => {
    client.end()
  })
  return client
}

/** A direct-tcpip channel (what `ssh -L` opens) to `echo`, or the error of its refusal. */
function forwardTo(client: Client, echo: Echo): Promise<ClientChannel | Error> {
  return new Promise((resolve) =>
    client.forwardOut('127.0.0.1', 40_000, echo.host, echo.port, (error, channel) =>
      resolve(error ?? channel),
    ),
  )
}

const forwardEvent = (
  log: { waitFor: (p: (e: DecoyEvent) => boolean) => Promise<DecoyEvent> },
  host: string,
) => log.waitFor((event) => event.event === 'tcpip_forward' && event.fields.dst_host === host)

describe('SSH forwarding on a topology pivot', () => {
  it('ssh -W reaches a neighbour by address and by host name, bytes round-trip, one event each', async () => {
    const network = await pivotNetwork(true)
    const { target, log } = await startPivot(network)
    const byAddress = await sshStdio(
      target,
      `${network.neighbour.host}:${network.neighbour.port}`,
      'ping through\n',
    )
    expect(byAddress).toMatchObject({ code: 0, stdout: 'ping through\n' })
    const byName = await sshStdio(target, `db01:${network.neighbour.port}`, 'by name\n')
    expect(byName).toMatchObject({ code: 0, stdout: 'by name\n' })
    expect((await forwardEvent(log, network.neighbour.host)).fields).toMatchObject({
      username: 'root',
      dst_ip: network.neighbour.host,
      dst_port: network.neighbour.port,
      neighbour: 'office-db',
      network: 'office',
      allowed: true,
    })
    expect((await forwardEvent(log, 'db01')).fields).toMatchObject({
      dst_ip: network.neighbour.host,
      allowed: true,
    })
  }, 60_000)

  it('an intruder on the pivot logs in to the inner decky’s own SSH through it (ssh -J by ProxyCommand)', async () => {
    const network = await pivotNetwork(true)
    const { target, log } = await startPivot(network)
    // The inner decky's SSH listens on the neighbour's address (the echo server's port is not used).
    const inner = await startEmulator('ssh', {
      decky: 'decky-inner',
      bindAddress: network.neighbour.host,
      ports: [0],
      config: { password: PASSWORD },
      persona: debianPersona('fedcba9876543210fedcba9876543210', { hostname: 'db01' }),
      onEvent: () => undefined,
    })
    cleanups.push(() => inner.close())
    const innerPort = inner.ports[0] as number
    // What `ssh -J` runs, spelled out so each hop gets its password from its own sshpass.
    const jump = sshpassArgs({ address: target.host, port: target.port, password: PASSWORD, quiet: true })
    jump.splice(jump.indexOf('ssh') + 1, 0, '-W', '%h:%p')
    const login = sshpassArgs({
      address: network.neighbour.host,
      port: innerPort,
      password: PASSWORD,
      quiet: true,
      command: 'hostname',
    })
    login.splice(login.indexOf('ssh') + 1, 0, '-o', `ProxyCommand=sshpass ${jump.join(' ')}`)
    const { stdout } = await run('sshpass', login, { timeout: 60_000 })
    expect(stdout).toBe('db01\n')
    expect((await forwardEvent(log, network.neighbour.host)).fields).toMatchObject({
      dst_port: innerPort,
      neighbour: 'office-db',
      allowed: true,
    })
  }, 90_000)

  it('refuses the network gateway and any address that is not a neighbour', async () => {
    const network = await pivotNetwork(true)
    const { target, log } = await startPivot(network)
    for (const [echo, reason] of [
      [network.gateway, 'gateway'],
      [network.stranger, 'not_a_neighbour'],
    ] as const) {
      const result = await sshStdio(target, `${echo.host}:${echo.port}`, 'let me in\n')
      expect(result.code).not.toBe(0)
      expect(result.stdout).toBe('')
      expect(result.stderr).toContain('stdio forwarding failed')
      expect((await forwardEvent(log, echo.host)).fields).toMatchObject({
        dst_ip: echo.host,
        dst_port: echo.port,
        neighbour: null,
        allowed: false,
        reason,
      })
      expect(echo.open()).toBe(0)
    }
    // A neighbour's port with nothing behind it: the open fails as sshd's would.
    const closed = await sshStdio(target, 'db01:1', 'anyone?\n')
    expect(closed.code).not.toBe(0)
    expect((await forwardEvent(log, 'db01')).fields).toMatchObject({
      dst_ip: network.neighbour.host,
      dst_port: 1,
      neighbour: 'office-db',
      allowed: false,
      reason: 'unreachable',
    })
  }, 60_000)

  it('a decky that is not a pivot refuses even its neighbours', async () => {
    const network = await pivotNetwork(false)
    const { target, log } = await startPivot(network)
    const result = await sshStdio(target, `${network.neighbour.host}:${network.neighbour.port}`, 'hop\n')
    expect(result.code).not.toBe(0)
    expect(result.stdout).toBe('')
    expect((await forwardEvent(log, network.neighbour.host)).fields).toMatchObject({
      allowed: false,
      reason: 'not_a_pivot',
    })
    expect(network.neighbour.open()).toBe(0)
  }, 60_000)

  it(`holds at most ${MAX_FORWARDED_CHANNELS} forwarded channels per connection and closes them all on hang-up`, async () => {
    const network = await pivotNetwork(true)
    const { target, log } = await startPivot(network)
    const client = await loggedIn(target)
    const forward = () => forwardTo(client, network.neighbour)
    const opened: ClientChannel[] = []
    for (let i = 0; i < MAX_FORWARDED_CHANNELS; i++) {
      const channel = await forward()
      if (channel instanceof Error) throw channel
      opened.push(channel)
    }
    expect(await forward()).toBeInstanceOf(Error)
    await log.waitFor((event) => event.event === 'tcpip_forward' && event.fields.reason === 'channel_limit')
    await until(() => network.neighbour.open() === MAX_FORWARDED_CHANNELS)
    // One closed channel frees its place; the neighbour's socket goes with it.
    opened[0]?.close()
    await until(() => network.neighbour.open() === MAX_FORWARDED_CHANNELS - 1)
    const again = await forward()
    expect(again).not.toBeInstanceOf(Error)
    client.end()
    await until(() => network.neighbour.open() === 0)
  }, 60_000)

  it('closes a forwarded channel that carries more than its byte cap', async () => {
    const network = await pivotNetwork(true)
    const { target } = await startPivot(network)
    const channel = await forwardTo(await loggedIn(target), network.neighbour)
    if (channel instanceof Error) throw channel
    let echoed = 0
    channel.on('data', (chunk: Buffer) => {
      echoed += chunk.length
    })
    const closed = new Promise((resolve) => channel.once('close', resolve))
    const chunk = Buffer.alloc(256 * 1024, 0x41)
    // Written as the window allows, until the decoy closes the channel past the cap.
    let sent = 0
    while (sent <= MAX_FORWARDED_CHANNEL_BYTES + chunk.length && channel.writable) {
      sent += chunk.length
      if (!channel.write(chunk))
        await Promise.race([new Promise((resolve) => channel.once('drain', resolve)), closed])
    }
    await closed
    expect(echoed).toBeLessThanOrEqual(MAX_FORWARDED_CHANNEL_BYTES)
    await until(() => network.neighbour.open() === 0)
  }, 120_000)

  it('the shell over ssh shows the pivot’s interfaces and neighbours', async () => {
    const network = await pivotNetwork(true)
    const { target } = await startPivot(network)
    const { output } = await execSsh(await loggedIn(target), 'ip a; cat /etc/hosts')
    expect(output).toContain(`inet ${network.sshHost}/8 `)
    expect(output).toContain('inet 10.99.0.2/24 brd 10.99.0.255 scope global eth1\n')
    expect(output).toContain(`${network.neighbour.host}\tdb01\n`)
  }, 60_000)
})

async function until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
