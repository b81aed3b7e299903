// The delivery worker: turns due Delivery rows into sends. Each pass fans new outbox alerts out into
// deliveries, then, per enabled channel, claims as many due deliveries as the channel has free slots
// (and its breaker allows) and sends them without waiting: a hanging endpoint holds only its own
// channel's slots, each send ends at its deadline, and the total in flight is bounded. Claims lease a
// row by moving its next attempt past the deadline, so a process killed mid-send (kill -9) leaves it
// due again: delivery is at least once, and the alert's idempotency key lets receivers drop repeats.
import { type AlertMessage, ZAlertMessage } from '@decnet/core'
import type { ChannelRow, DecnetDatabase, DeliveryOutcome, DeliveryRow } from '@decnet/db'
import type { SecretBox } from '../secrets/secret-box.ts'
import {
  afterFailure,
  afterSuccess,
  type Breaker,
  type BreakerSettings,
  probing,
  sendsAllowed,
} from './circuit-breaker.ts'
import { type BackoffSettings, retryDelayMs } from './retry-backoff.ts'
import type { AllowedTarget, ResolveName } from './target-guard.ts'
import { type AlertTransport, TransportError } from './transport.ts'
import { TRANSPORTS } from './transports/index.ts'

export type DeliverySettings = {
  /** A send not answered by then fails (and frees its slot). */
  timeoutMs: number
  backoff: BackoffSettings
  breaker: BreakerSettings
  /** A delivery is given up (dead) after this many attempts. */
  maxAttempts: number
  /** Sends in flight per channel, and in all. */
  channelSlots: number
  maxInFlight: number
  /** How often due deliveries and new alerts are looked for (a wake() looks at once). */
  pollMs: number
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  timeoutMs: 10_000,
  backoff: { baseMs: 1_000, maxMs: 10 * 60_000 },
  breaker: { failureThreshold: 5, cooldownMs: 30_000 },
  maxAttempts: 20,
  channelSlots: 4,
  maxInFlight: 32,
  pollMs: 100,
}

/** Past the send deadline (sends are cut there), so a live send's row is not claimed twice; short, so a killed process's rows come back soon. */
const LEASE_MARGIN_MS = 5_000

export type DeliveryWorkerDeps = {
  db: DecnetDatabase
  secrets: SecretBox | undefined
  /** Loopback targets the operator allows, and the API's port (never a target). */
  allowedLocal: readonly AllowedTarget[]
  apiPort: number
  /** Where NDJSON channels may write (DECNET_ALERT_FILE_DIR). */
  alertFileDir: string
  settings: DeliverySettings
  log: (line: string) => void
  /** Name resolution for the SSRF guard (tests); the system resolver otherwise. */
  resolve?: ResolveName
}

/** A channel as this process drives it. */
type ChannelSlot = {
  row: ChannelRow
  /** The settings the transport was built from (an admin's edit changes them): when they differ, it is rebuilt. */
  settingsKey: string
  transport: AlertTransport | null
  /** Why there is no transport (kept as the channel's last error once). */
  unusable: string | null
  breaker: Breaker
  inFlight: number
  /** Bumped when an admin's edit rebuilds the transport: outcomes of older sends leave the breaker alone. */
  generation: number
}

function settingsKey(row: ChannelRow): string {
  return JSON.stringify([
    row.kind,
    row.config,
    row.sealedSecrets,
    row.allowPrivateTargets,
    row.updatedAt.getTime(),
  ])
}

function errorText(error: unknown): string {
  if (error instanceof TransportError) return error.message.slice(0, 500)
  return `internal error: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500)
}

export class DeliveryWorker {
  readonly #deps: DeliveryWorkerDeps
  readonly #channels = new Map<string, ChannelSlot>()
  readonly #sends = new Set<Promise<void>>()
  readonly #aborts = new Set<AbortController>()
  readonly #retiring = new Set<AlertTransport>()
  #timer: NodeJS.Timeout | undefined
  #passing: Promise<void> | null = null
  #again = false
  #stopped = false

  constructor(deps: DeliveryWorkerDeps) {
    this.#deps = deps
  }

  start(): void {
    this.#timer = setInterval(() => this.wake(), this.#deps.settings.pollMs)
    this.wake()
  }

  /** Looks for work now (a new alert or test delivery was committed). */
  wake(): void {
    if (this.#stopped) return
    if (this.#passing) {
      this.#again = true
      return
    }
    this.#passing = this.#pass()
      .catch((error: unknown) => this.#deps.log(`decnet alerts: ${errorText(error)}`))
      .finally(() => {
        this.#passing = null
        if (this.#again) {
          this.#again = false
          this.wake()
        }
      })
  }

  /** Stops claiming, aborts the sends in flight (they are retried after a restart) and waits for them. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearInterval(this.#timer)
    await this.#passing
    for (const controller of this.#aborts) controller.abort()
    await Promise.allSettled([...this.#sends])
    const transports = [...this.#channels.values()].map((slot) => slot.transport)
    await Promise.allSettled([...transports, ...this.#retiring].map((transport) => transport?.close()))
    this.#retiring.clear()
    this.#channels.clear()
  }

  async #pass(): Promise<void> {
    const { db, settings } = this.#deps
    if (await db.deliveries.alertsWaiting()) await db.deliveries.fanOut()
    await this.#syncChannels(await db.channels.list())
    const now = new Date()
    const due = await db.deliveries.dueByChannel(now)
    for (const [channelId, count] of due) {
      if (this.#stopped) return
      const slot = this.#channels.get(channelId)
      if (!slot?.transport || !slot.row.enabled) continue
      const free = settings.maxInFlight - this.#sends.size
      const allowed = Math.min(
        sendsAllowed(slot.breaker, slot.inFlight, settings.channelSlots, now),
        free,
        count,
      )
      if (allowed <= 0) continue
      const rows = await db.deliveries.claim(channelId, allowed, settings.timeoutMs + LEASE_MARGIN_MS, now)
      if (rows.length > 0) slot.breaker = probing(slot.breaker)
      for (const row of rows) this.#startSend(slot, row)
    }
  }

  /** Builds, rebuilds or drops transports to match the channels as stored. */
  async #syncChannels(rows: ChannelRow[]): Promise<void> {
    const seen = new Set<string>()
    for (const row of rows) {
      seen.add(row.id)
      const existing = this.#channels.get(row.id)
      const key = settingsKey(row)
      if (existing && existing.settingsKey === key) {
        existing.row = row
        continue
      }
      const previous = existing?.transport
      const rebuilt = {
        row,
        settingsKey: key,
        ...this.#transportOf(row),
        // The stored breaker: an open one stays open across a restart until its cooldown ends.
        breaker: {
          state: row.breakerState === 'half_open' ? ('open' as const) : row.breakerState,
          consecutiveFailures: row.consecutiveFailures,
          retryAt: row.breakerState === 'half_open' ? new Date() : row.breakerRetryAt,
        },
      }
      // The same slot object stays (its in-flight count belongs to sends still running on it).
      const slot: ChannelSlot = existing
        ? Object.assign(existing, rebuilt, { generation: existing.generation + 1 })
        : { ...rebuilt, inFlight: 0, generation: 0 }
      this.#channels.set(row.id, slot)
      if (previous) this.#retire(previous)
      if (slot.unusable && slot.row.lastError !== slot.unusable) {
        await this.#deps.db.channels.setHealth(row.id, {
          ...this.#breakerColumns(slot.breaker),
          lastError: slot.unusable,
          lastErrorAt: new Date(),
        })
      }
    }
    for (const [id, slot] of this.#channels) {
      if (seen.has(id)) continue
      this.#channels.delete(id)
      if (slot.transport) this.#retire(slot.transport)
    }
  }

  /** Closes a replaced transport once the sends still using it have met their deadline. */
  #retire(transport: AlertTransport): void {
    this.#retiring.add(transport)
    setTimeout(() => {
      this.#retiring.delete(transport)
      transport.close().catch(() => undefined)
    }, this.#deps.settings.timeoutMs + 1_000).unref()
  }

  #transportOf(row: ChannelRow): Pick<ChannelSlot, 'transport' | 'unusable'> {
    const kind = TRANSPORTS[row.kind]
    let secrets: Record<string, string> = {}
    if (row.sealedSecrets) {
      if (!this.#deps.secrets) {
        return {
          transport: null,
          unusable: "DECNET_SECRET_KEY is not set: this channel's secrets cannot be opened",
        }
      }
      try {
        secrets = JSON.parse(this.#deps.secrets.open(row.sealedSecrets)) as Record<string, string>
      } catch {
        return {
          transport: null,
          unusable: "this channel's secrets do not open with DECNET_SECRET_KEY (was it changed?)",
        }
      }
    }
    try {
      const transport = kind.create(row.config, secrets, {
        policy: {
          allowPrivate: row.allowPrivateTargets,
          allowedLocal: this.#deps.allowedLocal,
          apiPort: this.#deps.apiPort,
        },
        alertFileDir: this.#deps.alertFileDir,
        resolve: this.#deps.resolve,
      })
      return { transport, unusable: null }
    } catch (error) {
      return { transport: null, unusable: `the channel's settings are not usable: ${errorText(error)}` }
    }
  }

  #startSend(slot: ChannelSlot, row: DeliveryRow): void {
    slot.inFlight++
    const send = this.#send(slot, row)
      .catch((error: unknown) => this.#deps.log(`decnet alerts: recording a delivery: ${errorText(error)}`))
      .finally(() => {
        slot.inFlight--
        this.#sends.delete(send)
        this.wake()
      })
    this.#sends.add(send)
  }

  async #send(slot: ChannelSlot, row: DeliveryRow): Promise<void> {
    const { db, settings } = this.#deps
    const transport = slot.transport
    const generation = slot.generation
    if (!transport) return
    const controller = new AbortController()
    this.#aborts.add(controller)
    let timer: NodeJS.Timeout | undefined
    let failure: unknown = null
    try {
      const message: AlertMessage = ZAlertMessage.parse(JSON.parse(row.message))
      // The transport should honour the signal; if it does not, the slot is freed at the deadline anyway.
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort()
          reject(new TransportError(`no answer within ${settings.timeoutMs} ms`))
        }, settings.timeoutMs)
      })
      await Promise.race([transport.send(message, controller.signal), deadline])
    } catch (error) {
      failure = error
    } finally {
      clearTimeout(timer)
      this.#aborts.delete(controller)
    }
    const now = new Date()
    // Sent with settings an admin has since replaced: record the delivery, not the new settings' health.
    const current = slot.generation === generation
    if (failure === null) {
      await db.deliveries.finish(row.id, row.attempts, { status: 'delivered' }, now)
      if (!current) return
      slot.breaker = afterSuccess()
      await db.channels.setHealth(slot.row.id, { ...this.#breakerColumns(slot.breaker), lastDeliveryAt: now })
      return
    }
    const error = errorText(failure)
    const retryable = !(failure instanceof TransportError) || failure.retryable
    const outcome: DeliveryOutcome =
      retryable && row.attempts < settings.maxAttempts
        ? {
            status: 'failed',
            error,
            retryAt: new Date(now.getTime() + retryDelayMs(row.attempts, settings.backoff)),
          }
        : { status: 'dead', error }
    await db.deliveries.finish(row.id, row.attempts, outcome, now)
    if (!current) return
    const before = slot.breaker.state
    slot.breaker = afterFailure(slot.breaker, settings.breaker, now)
    await db.channels.setHealth(slot.row.id, {
      ...this.#breakerColumns(slot.breaker),
      lastError: error,
      lastErrorAt: now,
    })
    if (before === 'closed' && slot.breaker.state === 'open') {
      this.#deps.log(
        `decnet alerts: channel "${slot.row.name}" breaker open after ${slot.breaker.consecutiveFailures} failures: ${error}`,
      )
    }
  }

  #breakerColumns(breaker: Breaker) {
    return {
      breakerState: breaker.state,
      consecutiveFailures: breaker.consecutiveFailures,
      breakerRetryAt: breaker.retryAt,
    }
  }
}
