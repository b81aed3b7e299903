// A real DNS server on loopback for the reverse-DNS tests: dnsmasq (Debian dnsmasq-base) serving
// only the PTR records a test gives it (NXDOMAIN for every other reverse name, no upstream), and
// logging each query it receives, so a test can tell which names were asked.
import { type ChildProcess, spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type LoopbackDns = {
  /** `127.0.0.1:<port>`, for DECNET_RDNS / ReverseDns servers. */
  server: string
  /** The reverse names asked so far (e.g. `8.8.8.8.in-addr.arpa`), in order. */
  queries(): string[]
  stop(): Promise<void>
}

/** A UDP port free right now on loopback. */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

/** `ptr`: address → name, e.g. `{ '8.8.8.8': 'dns.google' }` (IPv4 only). */
export async function startLoopbackDns(ptr: Record<string, string>): Promise<LoopbackDns> {
  // dnsmasq binds the port on UDP and TCP: a port free on UDP may be some connection's on TCP (or be
  // taken before dnsmasq binds it). That refusal is retried on another port, nothing else is.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDnsmasq(ptr, await freeUdpPort())
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === 5) throw error
    }
  }
}

class PortTaken extends Error {}

async function startDnsmasq(ptr: Record<string, string>, port: number): Promise<LoopbackDns> {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-dns-'))
  const log = join(dir, 'queries.log')
  const records = Object.entries(ptr).map(
    ([ip, name]) => `--ptr-record=${ip.split('.').reverse().join('.')}.in-addr.arpa,${name}`,
  )
  const child: ChildProcess = spawn(
    'dnsmasq',
    [
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--no-resolv',
      '--no-hosts',
      '--user=root',
      '--pid-file=',
      '--local=/in-addr.arpa/',
      '--local=/ip6.arpa/',
      '--log-queries',
      `--log-facility=${log}`,
      ...records,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const readLog = () => {
    try {
      return readFileSync(log, 'utf8')
    } catch {
      return ''
    }
  }
  // Ready once it logs that it started (it writes the log before answering).
  for (let waited = 0; !/started, version/.test(readLog()); waited += 50) {
    if (child.exitCode !== null || waited > 10_000) {
      if (child.exitCode === null) child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
      const Failure = /Address already in use/.test(stderr) ? PortTaken : Error
      throw new Failure(`dnsmasq did not start: ${stderr}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    server: `127.0.0.1:${port}`,
    queries: () => [...readLog().matchAll(/query\[PTR\] (\S+) from/g)].map((match) => match[1] ?? ''),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A UDP "server" on loopback that receives queries and never answers (timeouts), counting them. */
export async function startSilentDns(): Promise<{
  server: string
  received(): number
  stop(): Promise<void>
}> {
  const socket = createSocket('udp4')
  let received = 0
  socket.on('message', () => {
    received++
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return {
    server: `127.0.0.1:${socket.address().port}`,
    received: () => received,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  }
}
