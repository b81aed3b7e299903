import pg from 'pg'
import type { Bus, BusHandler, SubscribeOptions } from './bus.ts'
import type { BusEvent, BusMessage } from './events.ts'
import { type BusErrorReporter, Fanout } from './fanout.ts'
import { stampEvent } from './in-process.ts'

/** NOTIFY payloads are capped at 8000 bytes by the server. */
const MAX_NOTIFY_BYTES = 7900
const RECONNECT_DELAY_MS = 1000

export type PostgresBusOptions = {
  connectionString: string
  /** LISTEN/NOTIFY channel shared by every API process of one installation. */
  channel?: string
  onError?: BusErrorReporter
  /** Reports transport problems (lost listener connection, failed NOTIFY); defaults to console.error. */
  onTransportError?: (error: unknown) => void
}

/**
 * Bus over Postgres LISTEN/NOTIFY so several API processes share one stream. Every event, including
 * this process's own, arrives through LISTEN, so all subscribers see one order per topic. NOTIFYs
 * go out through one connection, serially, which keeps publish order. Best effort: a lost connection
 * drops events until it is back (the database stays the truth).
 */
export class PostgresBus implements Bus {
  private readonly fanout: Fanout
  private readonly channel: string
  private listener: pg.Client | undefined
  private readonly publisher: pg.Pool
  private sending: Promise<unknown> = Promise.resolve()
  private readonly pending: string[] = []
  private closed = false
  private readonly transportError: (error: unknown) => void

  private constructor(private readonly options: PostgresBusOptions) {
    this.channel = options.channel ?? 'decnet_bus'
    if (!/^[a-z_][a-z0-9_]*$/.test(this.channel))
      throw new Error(`invalid bus channel ${JSON.stringify(this.channel)}`)
    this.fanout = new Fanout(
      options.onError ??
        ((error, event) => console.error(`bus: subscriber failed on ${event.topic}:`, error)),
    )
    this.transportError =
      options.onTransportError ?? ((error) => console.error('bus: postgres transport:', error))
    this.publisher = new pg.Pool({ connectionString: options.connectionString, max: 1 })
    this.publisher.on('error', this.transportError)
  }

  /** Connects the listener before resolving, so nothing published afterwards is missed. */
  static async connect(options: PostgresBusOptions): Promise<PostgresBus> {
    const bus = new PostgresBus(options)
    await bus.listen()
    return bus
  }

  publish(message: BusMessage): void {
    const event = stampEvent(message)
    const payload = JSON.stringify(event)
    if (Buffer.byteLength(payload) > MAX_NOTIFY_BYTES) {
      this.transportError(
        new Error(`bus event on ${event.topic} is too large for NOTIFY; delivered in this process only`),
      )
      this.fanout.deliver(event)
      return
    }
    this.pending.push(payload)
    if (this.pending.length === 1) this.sending = this.sending.then(() => this.sendPending())
  }

  /**
   * Sends everything queued so far as consecutive NOTIFY statements in one round trip (one
   * transaction, so they arrive together and in order); a burst no longer queues one round trip per event.
   */
  private async sendPending(): Promise<void> {
    const batch = this.pending.splice(0, this.pending.length)
    if (batch.length === 0) return
    const statements = batch
      .map((payload) => `NOTIFY ${this.channel}, ${pg.escapeLiteral(payload)};`)
      .join('\n')
    try {
      await this.publisher.query(statements)
    } catch (error) {
      this.transportError(error)
    }
  }

  subscribe(pattern: string, options?: SubscribeOptions): AsyncIterable<BusEvent> {
    return this.fanout.subscribe(pattern, options)
  }

  on(pattern: string, handler: BusHandler): () => void {
    return this.fanout.on(pattern, handler)
  }

  /** Resolves once every NOTIFY issued so far has been sent. */
  flush(): Promise<void> {
    return this.sending.then(() => undefined)
  }

  async close(): Promise<void> {
    this.closed = true
    await this.flush()
    this.fanout.closeAll()
    await Promise.allSettled([this.listener?.end(), this.publisher.end()])
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString })
    client.on('notification', ({ channel, payload }) => {
      if (channel !== this.channel || !payload) return
      try {
        this.fanout.deliver(JSON.parse(payload) as BusEvent)
      } catch (error) {
        this.transportError(error)
      }
    })
    const lost = (error?: unknown) => {
      if (this.listener !== client) return
      this.listener = undefined
      client.end().catch(() => undefined)
      this.scheduleReconnect(error)
    }
    client.on('error', lost)
    client.on('end', () => lost())
    try {
      await client.connect()
      await client.query(`LISTEN ${this.channel}`)
    } catch (error) {
      client.end().catch(() => undefined)
      throw error
    }
    this.listener = client
  }

  private scheduleReconnect(error?: unknown): void {
    if (this.closed) return
    if (error) this.transportError(error)
    setTimeout(() => {
      if (!this.closed) this.listen().catch((retryError) => this.scheduleReconnect(retryError))
    }, RECONNECT_DELAY_MS).unref()
  }
}
