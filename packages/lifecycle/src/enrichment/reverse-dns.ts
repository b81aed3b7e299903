/**
 * Reverse DNS (PTR) for public attacker addresses, off unless configured: a lookup tells the
 * resolver (and the attacker's own DNS server, which serves their reverse zone) that DECNET saw
 * the address. Each query is bounded by a timeout, at most `concurrency` run at once, and answers
 * (including "no name") are cached. Labelled addresses (private, loopback, …) are refused here
 * as well as by the worker: they are never sent anywhere.
 */
import { Resolver } from 'node:dns/promises'
import { addressLabel } from './address-label.ts'

export type ReverseDnsOptions = {
  /** `host` or `host:port` (IPv6 as `[addr]:port`); empty: the system's resolvers. */
  servers: readonly string[]
  /** Default 2 s per query. */
  timeoutMs?: number
  /** Queries in flight at once (default 4). */
  concurrency?: number
  /** Cached answers (default 10,000) and for how long (default 6 h). */
  cacheSize?: number
  cacheTtlMs?: number
  now?: () => number
}

export type ReverseDnsAnswer =
  | { status: 'ok'; name: string }
  | { status: 'none'; name: null }
  | { status: 'failed'; name: null; reason: string }

/** A DNS name is at most 253 characters; the attacker controls their PTR record, so it is capped. */
const MAX_NAME = 253
/** Answers that mean "there is no name" rather than "could not ask". */
const NO_NAME_CODES = new Set(['ENOTFOUND', 'ENODATA', 'ENONAME'])

export class ReverseDns {
  private readonly cache = new Map<string, { answer: ReverseDnsAnswer; until: number }>()
  private readonly waiting: (() => void)[] = []
  private inFlight = 0
  private readonly now: () => number

  constructor(private readonly options: ReverseDnsOptions) {
    this.now = options.now ?? Date.now
  }

  /** Never rejects: failures come back as `failed` (and are not cached: the worker retries later). */
  async resolve(ip: string): Promise<ReverseDnsAnswer> {
    const label = addressLabel(ip)
    if (label !== null) return { status: 'failed', name: null, reason: `${label} address: not resolved` }
    const cached = this.cache.get(ip)
    if (cached && cached.until > this.now()) return cached.answer
    await this.slot()
    try {
      const answer = await this.query(ip)
      if (answer.status !== 'failed') this.remember(ip, answer)
      return answer
    } finally {
      this.release()
    }
  }

  private async query(ip: string): Promise<ReverseDnsAnswer> {
    const timeoutMs = this.options.timeoutMs ?? 2_000
    const resolver = new Resolver({ timeout: timeoutMs, tries: 1 })
    if (this.options.servers.length > 0) resolver.setServers([...this.options.servers])
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<ReverseDnsAnswer>((resolve) => {
      timer = setTimeout(() => {
        resolver.cancel()
        resolve({ status: 'failed', name: null, reason: `no answer within ${timeoutMs} ms` })
      }, timeoutMs + 250)
    })
    try {
      return await Promise.race([resolver.reverse(ip).then(toAnswer, fromError), deadline])
    } finally {
      clearTimeout(timer)
    }
  }

  private remember(ip: string, answer: ReverseDnsAnswer) {
    this.cache.delete(ip)
    this.cache.set(ip, { answer, until: this.now() + (this.options.cacheTtlMs ?? 6 * 3_600_000) })
    const max = this.options.cacheSize ?? 10_000
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= max) break
      this.cache.delete(oldest)
    }
  }

  private slot(): Promise<void> {
    if (this.inFlight < (this.options.concurrency ?? 4)) {
      this.inFlight++
      return Promise.resolve()
    }
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  private release() {
    const next = this.waiting.shift()
    if (next) next()
    else this.inFlight--
  }
}

function toAnswer(names: string[]): ReverseDnsAnswer {
  // Printable ASCII only: the name is shown in the console and written to exports.
  const name = names[0]?.replace(/[^\x21-\x7e]/g, '').slice(0, MAX_NAME)
  return name ? { status: 'ok', name } : { status: 'none', name: null }
}

function fromError(error: unknown): ReverseDnsAnswer {
  const code = (error as { code?: string }).code ?? ''
  if (NO_NAME_CODES.has(code)) return { status: 'none', name: null }
  return {
    status: 'failed',
    name: null,
    reason: code || (error instanceof Error ? error.message : String(error)),
  }
}

/**
 * DECNET_RDNS: unset, empty or `off` → disabled; `system` → the machine's resolvers; otherwise a
 * comma-separated list of servers (`127.0.0.1:5353`, `[::1]:53`, `9.9.9.9`).
 */
export function parseRdnsSetting(raw: string | undefined): { servers: string[] } | null {
  const value = (raw ?? '').trim()
  if (value === '' || value.toLowerCase() === 'off') return null
  if (value.toLowerCase() === 'system') return { servers: [] }
  const servers = value
    .split(',')
    .map((server) => server.trim())
    .filter(Boolean)
  for (const server of servers) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[0-9.]+)(:\d{1,5})?$/.test(server) && !/^[0-9a-fA-F:]+$/.test(server)) {
      throw new Error(`DECNET_RDNS: "${server}" is not an IP address or address:port (or use "system"/"off")`)
    }
  }
  return { servers }
}
