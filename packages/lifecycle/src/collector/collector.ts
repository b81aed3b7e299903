/**
 * The Docker log collector: finds decoy and custom service containers by label, follows each one's
 * log stream through the Docker API and feeds every stdout line to the ingest pipeline.
 *
 * - Discovery: an initial scan, the Docker event stream (`start`/`destroy`) and a periodic re-scan as
 *   a safety net, all selecting containers by one label filter (service-containers.ts).
 * - Streams: each container's log stream and the event stream run in the one reconnect loop
 *   (reconnect.ts): backoff on failure; a stopped container's follower parks until its next start.
 *   A follower waits on its own signal (ended by stop() or the container's removal), so thousands
 *   of stop/start cycles add nothing to the collector-wide one.
 * - Resume: each container's position (last Docker timestamp processed + lines at that timestamp) is
 *   persisted in settings (`collector.position.<containerId>`) once every line up to it is stored,
 *   so a restarted collector neither duplicates nor loses rows. A clean `stop()` persists the final
 *   positions. After a hard crash nothing is lost; only lines of a batch committed in the
 *   milliseconds before its position write (at most two batches, usually none) are read again,
 *   because the position and the rows are two writes (`db.logs.ingest` takes no extra state).
 * - Rotation: a json-file log rotating under the stream makes Docker send a few lines again; they
 *   are dropped (replay-filter.ts) so each line is stored once.
 * - stderr carries the emulators' diagnostics: counted, never ingested.
 */
import type { DecnetDatabase } from '@decnet/db'
import type Docker from 'dockerode'
import { createDockerClient, type DockerConnection } from '../engine/docker-client.ts'
import { MAX_LINE_BYTES } from '../ingest/line.ts'
import type { IngestPipeline } from '../ingest/pipeline.ts'
import {
  FrameDecoder,
  formatSince,
  LineAssembler,
  type LogLine,
  loadPosition,
  type Position,
  storePosition,
} from './log-stream.ts'
import { type Backoff, reconnectLoop, type Session, type SessionEnd, Wakeup } from './reconnect.ts'
import { ReplayFilter } from './replay-filter.ts'
import {
  type ServiceContainer,
  serviceContainerLabelFilter,
  serviceContainerOf,
} from './service-containers.ts'

export const POSITION_KEY_PREFIX = 'collector.position.'

export type CollectorSettings = Pick<DecnetDatabase['settings'], 'get' | 'set' | 'delete' | 'all'>

export type DockerLogCollectorOptions = {
  pipeline: IngestPipeline
  settings: CollectorSettings
  /** Docker connection; two clients are made from it (bounded calls, and unbounded streams). */
  connection?: DockerConnection
  /** Only containers of this engine instance (`decnet.instance` label). */
  instance?: string
  /**
   * Settings key prefix of container positions (default `collector.position.`). Each daemon needs its
   * own: a container this daemon does not know may be another daemon's, not a vanished one.
   */
  positionKeyPrefix?: string
  /** Safety-net re-scan period (default 30 s). */
  rescanIntervalMs?: number
  /** Reconnect backoff for log and event streams: doubles from `initial` (1 s) to `max` (30 s). */
  reconnectInitialMs?: number
  reconnectMaxMs?: number
  maxLineBytes?: number
  onError?: (error: unknown, context: string) => void
}

export type CollectorStats = {
  containers: number
  lines: number
  stderrLines: number
  skippedOnResume: number
  /** Lines Docker sent twice on one stream (at json-file rotation), dropped. */
  replaysDropped: number
  streamsOpened: number
  reconnects: number
  eventStreamReconnects: number
  errors: number
}

type Checkpoint = { seq: number; position: Position }

function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode
  return typeof code === 'number' ? code : undefined
}

type Follower = ServiceContainer & {
  id: string
  /** Last line handed to the pipeline (or skipped as stderr/malformed). */
  position: Position | undefined
  /** Last position written to settings. */
  persisted: Position | undefined
  /** Positions waiting for their lines to be stored, oldest first. */
  checkpoints: Checkpoint[]
  /** Resume state: lines at exactly `resume.ts` still to skip. */
  resume: Position | undefined
  stream: NodeJS.ReadableStream | undefined
  /** Wakes the follower parked on its stopped container when the container starts again. */
  wakeup: Wakeup
  /**
   * This follower's own life: aborted by the collector's stop or the container's removal. Its waits
   * listen here, never on the collector-wide signal, so nothing a follower does accumulates there.
   */
  life: AbortController
  done: Promise<void>
  /** The container was removed (its position is forgotten, not persisted at stop). */
  removed: boolean
  /** Waiting for its stopped container's next start (nothing to read meanwhile). */
  parked: boolean
}

export class DockerLogCollector {
  private readonly docker: Docker
  private readonly streamDocker: Docker
  private readonly pipeline: IngestPipeline
  private readonly settings: CollectorSettings
  private readonly options: DockerLogCollectorOptions
  private readonly followers = new Map<string, Follower>()
  private abort = new AbortController()
  private eventStream: NodeJS.ReadableStream | undefined
  private eventLoop: Promise<void> | undefined
  private rescanTimer: NodeJS.Timeout | undefined
  private unsubscribe: (() => void) | undefined
  private persisting: Promise<void> | undefined
  private persistAgain = false
  private started = false
  private scanned = false
  private counters: Omit<CollectorStats, 'containers'> = {
    lines: 0,
    stderrLines: 0,
    skippedOnResume: 0,
    replaysDropped: 0,
    streamsOpened: 0,
    reconnects: 0,
    eventStreamReconnects: 0,
    errors: 0,
  }

  constructor(options: DockerLogCollectorOptions) {
    this.options = options
    this.pipeline = options.pipeline
    this.settings = options.settings
    this.docker = createDockerClient(options.connection)
    // No request timeout on streams: a quiet container must not be mistaken for a dead daemon.
    this.streamDocker = createDockerClient({ ...options.connection, timeoutMs: 0 })
  }

  private get positionKeyPrefix(): string {
    return this.options.positionKeyPrefix ?? POSITION_KEY_PREFIX
  }

  stats(): CollectorStats {
    return { ...this.counters, containers: this.followers.size }
  }

  /**
   * Whether the collector is reading everything there is: started, its first scan done, and every
   * container's log stream open (or its container stopped). A stream delivers its backlog at once.
   */
  isFollowingAll(): boolean {
    return (
      this.started &&
      this.scanned &&
      [...this.followers.values()].every((follower) => follower.stream !== undefined || follower.parked)
    )
  }

  /** Ids of the containers being followed. */
  get containers(): string[] {
    return [...this.followers.keys()]
  }

  /**
   * Initial scan, then the event stream and the periodic re-scan. Resolves once the scan is done;
   * an unreachable daemon is reported (onError) and retried, never thrown.
   */
  async start(): Promise<void> {
    if (this.started) return
    this.started = true
    this.scanned = false
    if (this.abort.signal.aborted) this.abort = new AbortController()
    this.unsubscribe = this.pipeline.onSettled(() => this.schedulePersist())
    this.eventLoop = this.watchEvents()
    try {
      await this.scan(true)
      this.scanned = true
    } catch (error) {
      // Daemon unreachable: the re-scan timer and the event stream's reconnect keep trying.
      this.report(error, 'initial scan')
    }
    // Stopped while the first scan was waiting on the daemon: no timer must outlive stop().
    if (!this.started || this.abort.signal.aborted) return
    this.rescanTimer = setInterval(() => {
      this.scan(false)
        .then(() => {
          this.scanned = true
        })
        .catch((error) => this.report(error, 'rescan'))
    }, this.options.rescanIntervalMs ?? 30_000)
    this.rescanTimer.unref()
  }

  /** Stops following, stores everything read so far and persists the final positions. */
  async stop(): Promise<void> {
    if (!this.started) return
    this.started = false
    this.scanned = false
    this.abort.abort()
    if (this.rescanTimer) clearInterval(this.rescanTimer)
    destroyStream(this.eventStream)
    // Followers leave the map as their loops end: keep them for the final position write.
    const followers = [...this.followers.values()]
    for (const follower of followers) endFollower(follower)
    await Promise.allSettled([this.eventLoop, ...followers.map((f) => f.done)])
    await this.pipeline.flush()
    this.unsubscribe?.()
    if (this.persisting) await this.persisting
    await this.persistPositions(followers.filter((f) => !f.removed))
  }

  /** Lists managed service containers and follows any not followed yet. */
  async scan(initial = false): Promise<void> {
    const list = await this.docker.listContainers({
      all: true,
      filters: { label: serviceContainerLabelFilter(this.options.instance) },
    })
    const seen = new Set<string>()
    for (const container of list) {
      seen.add(container.Id)
      const identity = serviceContainerOf(container.Labels)
      if (!identity) continue
      if (this.abort.signal.aborted) return
      await this.follow(container.Id, identity)
      if (container.State === 'running') this.followers.get(container.Id)?.wakeup.wake()
    }
    if (initial) await this.forgetVanished(seen)
  }

  /** Drops position keys of containers that no longer exist (removed while we were not running). */
  private async forgetVanished(listed: Set<string>): Promise<void> {
    const all = await this.settings.all()
    for (const key of Object.keys(all)) {
      if (!key.startsWith(this.positionKeyPrefix)) continue
      const id = key.slice(this.positionKeyPrefix.length)
      if (listed.has(id)) continue
      // Not listed may also mean "another engine instance's container": only a 404 proves it gone.
      try {
        await this.docker.getContainer(id).inspect()
      } catch (error) {
        if (statusCode(error) === 404) await this.settings.delete(key)
      }
    }
  }

  private async follow(id: string, identity: ServiceContainer): Promise<void> {
    if (this.followers.has(id) || this.abort.signal.aborted) return
    const stored = loadPosition(await this.settings.get(this.positionKeyPrefix + id))
    // stop() may have run meanwhile: a follower made now would never be ended.
    if (this.followers.has(id) || this.abort.signal.aborted) return
    const follower: Follower = {
      ...identity,
      id,
      position: stored,
      persisted: stored,
      checkpoints: [],
      resume: undefined,
      stream: undefined,
      wakeup: new Wakeup(),
      life: new AbortController(),
      done: Promise.resolve(),
      removed: false,
      parked: false,
    }
    this.followers.set(id, follower)
    follower.done = this.runFollower(follower).catch((error) =>
      this.report(error, `follow ${id.slice(0, 12)}`),
    )
  }

  private get backoff(): Backoff {
    return {
      initialMs: this.options.reconnectInitialMs ?? 1_000,
      maxMs: this.options.reconnectMaxMs ?? 30_000,
    }
  }

  private async runFollower(follower: Follower): Promise<void> {
    try {
      await reconnectLoop((session) => this.followLogs(follower, session), {
        ...this.backoff,
        signal: follower.life.signal,
        onReconnect: () => {
          this.counters.reconnects++
        },
      })
    } finally {
      this.followers.delete(follower.id)
    }
  }

  /**
   * One log stream of a container, read to its end. Then the container stopped (park until its
   * next start) or the connection dropped (back off and reconnect).
   */
  private async followLogs(follower: Follower, session: Session): Promise<SessionEnd> {
    const signal = follower.life.signal
    const label = follower.id.slice(0, 12)
    try {
      // `since` is inclusive: the lines at the position's timestamp come again and are skipped.
      follower.resume = follower.position ? { ...follower.position } : undefined
      const since = follower.position ? formatSince(follower.position.ts) : '0'
      const stream = await this.streamDocker.getContainer(follower.id).logs({
        follow: true,
        stdout: true,
        stderr: true,
        timestamps: true,
        since,
      })
      this.counters.streamsOpened++
      follower.stream = stream
      if (signal.aborted) destroyStream(stream)
      if (await this.consume(follower, stream)) session.healthy()
    } catch (error) {
      if (statusCode(error) === 404) return 'stop'
      if (!signal.aborted) this.report(error, `logs ${label}`)
    } finally {
      follower.stream = undefined
    }
    if (signal.aborted) return 'stop'
    let running: boolean
    try {
      running = (await this.docker.getContainer(follower.id).inspect()).State.Running
    } catch (error) {
      if (statusCode(error) === 404) return 'stop'
      this.report(error, `inspect ${label}`)
      running = true
    }
    if (running) return 'retry'
    follower.parked = true
    try {
      await follower.wakeup.wait(signal)
    } finally {
      follower.parked = false
    }
    return 'restart'
  }

  /** Reads one log stream to its end; true when it delivered at least one line. */
  private async consume(follower: Follower, stream: NodeJS.ReadableStream): Promise<boolean> {
    const decoder = new FrameDecoder()
    const assembler = new LineAssembler(this.options.maxLineBytes ?? MAX_LINE_BYTES)
    // The container's labels say which decky (and, for a one-service container, which service):
    // never the line, which a compromised decoy could forge.
    const context = { decky: follower.decky, ...(follower.service ? { service: follower.service } : {}) }
    const replays = new ReplayFilter()
    let received = false
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        for (const frame of decoder.push(chunk)) {
          for (const line of assembler.push(frame.stream, frame.payload)) {
            if (this.skipOnResume(follower, line)) continue
            if (replays.isReplay(line)) {
              this.counters.replaysDropped++
              continue
            }
            received = true
            if (follower.custom) {
              // An operator's image prints text on either stream: every line is kept, as raw.
              this.counters.lines++
              if (this.pipeline.isFull) await this.pipeline.waitForSpace()
              this.pipeline.offerRawLine(line.text, line.stream, lineTime(line), {
                decky: follower.decky,
                service: follower.service,
              })
            } else if (line.stream === 'stdout') {
              this.counters.lines++
              if (this.pipeline.isFull) await this.pipeline.waitForSpace()
              this.pipeline.offerLine(line.text, context)
            } else {
              this.counters.stderrLines++
            }
            this.advance(follower, line)
          }
        }
      }
    } catch (error) {
      // A destroyed stream (stop, container removed) ends the read; anything else is reported.
      if (!follower.life.signal.aborted) this.report(error, `read ${follower.id.slice(0, 12)}`)
    }
    return received
  }

  /** Docker's `since` is inclusive: drop the lines at the resume timestamp that were already processed. */
  private skipOnResume(follower: Follower, line: LogLine): boolean {
    const resume = follower.resume
    if (!resume || line.ts === undefined) return false
    if (line.ts < resume.ts) {
      this.counters.skippedOnResume++
      return true
    }
    if (line.ts === resume.ts && resume.n > 0) {
      resume.n--
      this.counters.skippedOnResume++
      return true
    }
    follower.resume = undefined
    return false
  }

  private advance(follower: Follower, line: LogLine) {
    if (line.ts === undefined) return
    const current = follower.position
    follower.position =
      current && current.ts === line.ts ? { ts: current.ts, n: current.n + 1 } : { ts: line.ts, n: 1 }
    const seq = this.pipeline.lastSequence
    const last = follower.checkpoints.at(-1)
    if (last && last.seq === seq) last.position = follower.position
    else follower.checkpoints.push({ seq, position: follower.position })
  }

  private schedulePersist() {
    if (this.persisting) {
      this.persistAgain = true
      return
    }
    this.persisting = this.persistPositions()
      .catch((error) => this.report(error, 'persist positions'))
      .finally(() => {
        this.persisting = undefined
        if (this.persistAgain) {
          this.persistAgain = false
          this.schedulePersist()
        }
      })
  }

  /** Writes, per container, the newest position whose lines are all stored. */
  private async persistPositions(followers: Iterable<Follower> = this.followers.values()): Promise<void> {
    const settled = this.pipeline.settledSequence
    for (const follower of [...followers]) {
      let durable: Position | undefined
      let drop = 0
      for (const checkpoint of follower.checkpoints) {
        if (checkpoint.seq > settled) break
        durable = checkpoint.position
        drop++
      }
      if (drop > 0) follower.checkpoints.splice(0, drop)
      if (!durable || (follower.persisted && samePosition(follower.persisted, durable))) continue
      follower.persisted = durable
      await this.settings.set(this.positionKeyPrefix + follower.id, storePosition(durable))
    }
  }

  private watchEvents(): Promise<void> {
    return reconnectLoop((session) => this.readEvents(session), {
      ...this.backoff,
      signal: this.abort.signal,
      onReconnect: () => {
        this.counters.eventStreamReconnects++
      },
    })
  }

  /** One connection to the Docker event stream (container starts and removals), read to its end. */
  private async readEvents(session: Session): Promise<SessionEnd> {
    const signal = this.abort.signal
    try {
      const stream = (await this.streamDocker.getEvents({
        filters: {
          type: ['container'],
          event: ['start', 'destroy'],
          label: serviceContainerLabelFilter(this.options.instance),
        },
      })) as NodeJS.ReadableStream
      this.eventStream = stream
      if (signal.aborted) destroyStream(stream)
      // Events missed while disconnected are caught by a scan right after reconnecting.
      if (session.attempt > 0) this.scan(false).catch((error) => this.report(error, 'scan after reconnect'))
      session.healthy()
      let buffered = ''
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        buffered += chunk.toString('utf8')
        let newline = buffered.indexOf('\n')
        while (newline !== -1) {
          const text = buffered.slice(0, newline).trim()
          buffered = buffered.slice(newline + 1)
          if (text) await this.onDockerEvent(text)
          newline = buffered.indexOf('\n')
        }
      }
    } catch (error) {
      if (!signal.aborted) this.report(error, 'event stream')
    } finally {
      this.eventStream = undefined
    }
    return 'retry'
  }

  private async onDockerEvent(text: string): Promise<void> {
    let event: {
      status?: string
      Action?: string
      id?: string
      Actor?: { Attributes?: Record<string, string> }
    }
    try {
      event = JSON.parse(text)
    } catch {
      return
    }
    const action = event.Action ?? event.status
    const id = event.id
    if (!id) return
    if (action === 'start') {
      const identity = serviceContainerOf(event.Actor?.Attributes)
      if (!identity) return
      await this.follow(id, identity)
      this.followers.get(id)?.wakeup.wake()
    } else if (action === 'destroy') {
      // A base or shaper going: nothing of it was followed.
      if (!serviceContainerOf(event.Actor?.Attributes)) return
      const follower = this.followers.get(id)
      if (follower) {
        follower.removed = true
        endFollower(follower)
        await follower.done
      }
      await this.settings.delete(this.positionKeyPrefix + id)
    }
  }

  private report(error: unknown, context: string) {
    this.counters.errors++
    if (this.options.onError) this.options.onError(error, context)
    else console.error(`collector: ${context}:`, error instanceof Error ? error.message : error)
  }
}

function samePosition(a: Position, b: Position): boolean {
  return a.ts === b.ts && a.n === b.n
}

/** Ends a follower's loop wherever it is: reading (its stream is destroyed), backing off or parked. */
function endFollower(follower: Follower) {
  follower.life.abort()
  destroyStream(follower.stream)
}

function destroyStream(stream: NodeJS.ReadableStream | undefined) {
  if (!stream) return
  const destroyable = stream as NodeJS.ReadableStream & { destroy?: (error?: Error) => void }
  destroyable.destroy?.()
}

/** When Docker received the line (its timestamp, in ns), else now. */
function lineTime(line: LogLine): Date {
  return line.ts === undefined ? new Date() : new Date(Number(line.ts / 1_000_000n))
}
