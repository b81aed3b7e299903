/**
 * A stand-in for the few Docker Engine API calls the log collector makes (container list and
 * inspect, followed multiplexed logs, the event stream), on a unix socket. It lets a test drive
 * thousands of container stop/start cycles in seconds; the real-daemon tests in
 * collector-docker.test.ts remain the proof against Docker itself.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

type Container = {
  id: string
  labels: Record<string, string>
  running: boolean
  /** stdout lines with their nanosecond timestamps, as json-file keeps them. */
  lines: Array<{ ts: bigint; text: string }>
  logStreams: Set<ServerResponse>
}

const NANOS = 1_000_000_000n

export class DockerApiStandIn {
  readonly dockerHost: string
  private readonly dir = mkdtempSync(join(tmpdir(), 'decnet-docker-stand-in-'))
  private readonly server: Server
  private readonly containers = new Map<string, Container>()
  private readonly eventStreams = new Map<ServerResponse, string[]>()
  /** Timestamps of log lines: strictly increasing, one millisecond apart. */
  private clock = BigInt(Date.now()) * 1_000_000n
  /** Requests per route kind, e.g. `logs`, `inspect`. */
  readonly calls = new Map<string, number>()

  constructor() {
    const socketPath = join(this.dir, 'docker.sock')
    this.dockerHost = `unix://${socketPath}`
    this.server = createServer((req, res) => this.handle(req, res))
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.dockerHost.slice('unix://'.length), resolve))
  }

  async close(): Promise<void> {
    for (const res of this.eventStreams.keys()) res.end()
    for (const container of this.containers.values()) for (const res of container.logStreams) res.end()
    this.server.closeAllConnections()
    await new Promise((resolve) => this.server.close(resolve))
    rmSync(this.dir, { recursive: true, force: true })
  }

  create(labels: Record<string, string>): string {
    const id = randomBytes(32).toString('hex')
    this.containers.set(id, { id, labels, running: false, lines: [], logStreams: new Set() })
    return id
  }

  /** Starts the container, which prints `line` on stdout (as a decoy prints events). */
  start(id: string, line: string): void {
    const container = this.container(id)
    container.running = true
    this.event('start', container)
    this.print(id, line)
  }

  /** The running container prints `line` on stdout. */
  print(id: string, line: string): void {
    const container = this.container(id)
    this.clock += 1_000_000n
    const entry = { ts: this.clock, text: line }
    container.lines.push(entry)
    for (const res of container.logStreams) res.write(frame(entry))
  }

  /** Cuts every open log and event stream (a daemon restart or a proxy dropping connections). */
  dropStreams(): void {
    for (const res of this.eventStreams.keys()) res.destroy()
    for (const container of this.containers.values()) for (const res of container.logStreams) res.destroy()
  }

  /** Stops the container: its followed log streams end, as Docker's do. */
  stop(id: string): void {
    const container = this.container(id)
    container.running = false
    for (const res of container.logStreams) res.end()
    container.logStreams.clear()
  }

  private container(id: string): Container {
    const container = this.containers.get(id)
    if (!container) throw new Error(`no container ${id}`)
    return container
  }

  private event(action: string, container: Container) {
    const text = `${JSON.stringify({ status: action, id: container.id, Type: 'container', Action: action, Actor: { ID: container.id, Attributes: container.labels } })}\n`
    for (const [res, label] of this.eventStreams) if (matches(container.labels, label)) res.write(text)
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://docker')
    const route = url.pathname.replace(/^\/v[\d.]+/, '')
    const label = (JSON.parse(url.searchParams.get('filters') ?? '{}') as { label?: string[] }).label ?? []
    const count = (kind: string) => this.calls.set(kind, (this.calls.get(kind) ?? 0) + 1)
    if (route === '/containers/json') {
      count('list')
      const list = [...this.containers.values()]
        .filter((c) => matches(c.labels, label))
        .map((c) => ({ Id: c.id, Labels: c.labels, State: c.running ? 'running' : 'exited' }))
      return json(res, 200, list)
    }
    if (route === '/events') {
      count('events')
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.flushHeaders()
      this.eventStreams.set(res, label)
      res.on('close', () => this.eventStreams.delete(res))
      return
    }
    const match = /^\/containers\/([0-9a-f]+)\/(json|logs)$/.exec(route)
    const container = match?.[1] ? this.containers.get(match[1]) : undefined
    if (!match || !container) return json(res, 404, { message: `No such container: ${route}` })
    if (match[2] === 'json') {
      count('inspect')
      return json(res, 200, { Id: container.id, State: { Running: container.running } })
    }
    count('logs')
    const since = parseSince(url.searchParams.get('since') ?? '0')
    res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' })
    for (const entry of container.lines) if (entry.ts >= since) res.write(frame(entry))
    if (!container.running || !['true', '1'].includes(url.searchParams.get('follow') ?? '')) return res.end()
    res.flushHeaders()
    container.logStreams.add(res)
    res.on('close', () => container.logStreams.delete(res))
  }
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** Docker's label filter: every `key` or `key=value` must hold. */
function matches(labels: Record<string, string>, filter: string[]): boolean {
  return filter.every((wanted) => {
    const [key = '', value] = wanted.split('=', 2)
    return value === undefined ? key in labels : labels[key] === value
  })
}

function parseSince(since: string): bigint {
  const [seconds = '0', fraction = ''] = since.split('.')
  return BigInt(seconds) * NANOS + BigInt(fraction.padEnd(9, '0') || '0')
}

/** One stdout frame of Docker's multiplexed stream, the line prefixed by its RFC 3339 timestamp. */
function frame(entry: { ts: bigint; text: string }): Buffer {
  const millis = Number(entry.ts / 1_000_000n)
  const iso = new Date(millis).toISOString().replace(/\.\d{3}Z$/, '')
  const stamp = `${iso}.${String(entry.ts % NANOS).padStart(9, '0')}Z`
  const payload = Buffer.from(`${stamp} ${entry.text}\n`)
  const header = Buffer.alloc(8)
  header[0] = 1
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}
