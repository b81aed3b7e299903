import { createSocket } from 'node:dgram'
import { Socket } from 'node:net'
import type { ServicePort } from '@decnet/core'
import { CLOCK_SKEW_MS, PROBE_LINGER_MS, type ProbeLedger, type ProbeSource } from './probe-ledger.ts'
import { isSourcePortClash, pickSourcePort, routeSourceAddress } from './source-ports.ts'
import { type UdpProbe, udpProbeFor } from './udp-payloads.ts'

export type ProbeResult = { ok: true } | { ok: false; reason: string }

function errorText(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message
  return String(error)
}

/** Where a probe connects from; unset = wherever the kernel chooses. */
export type ProbeFrom = { address: string; port: number }

/** One TCP connect attempt: succeeds on an accepted connection, which is then closed at once. */
export function probeTcp(
  host: string,
  port: number,
  timeoutMs: number,
  from?: ProbeFrom,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = new Socket()
    const finish = (result: ProbeResult) => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(timeoutMs, () => finish({ ok: false, reason: `no answer within ${timeoutMs} ms` }))
    socket.once('connect', () => {
      resolve({ ok: true })
      // Hang up politely (FIN, not RST) so the emulator sees an ordinary short visit, then let go.
      socket.setTimeout(0)
      socket.resume()
      socket.end()
      setTimeout(() => socket.destroy(), 1000).unref()
    })
    socket.on('error', (error) => finish({ ok: false, reason: errorText(error) }))
    socket.connect(from ? { port, host, localAddress: from.address, localPort: from.port } : { port, host })
  })
}

/** One UDP request/response attempt: any datagram back counts; an ICMP port-unreachable is ECONNREFUSED. */
export function probeUdp(
  host: string,
  port: number,
  timeoutMs: number,
  { payload, silenceMeansOpen, replyFromAnyPort }: UdpProbe = udpProbeFor(port, 'probe'),
  from?: ProbeFrom,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    const timer = setTimeout(
      () =>
        finish(silenceMeansOpen ? { ok: true } : { ok: false, reason: `no reply within ${timeoutMs} ms` }),
      timeoutMs,
    )
    let settled = false
    const finish = (result: ProbeResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.close()
      resolve(result)
    }
    socket.on('message', (_message, peer) => {
      if (!replyFromAnyPort || peer.address === host) finish({ ok: true })
    })
    socket.on('error', (error) => finish({ ok: false, reason: errorText(error) }))
    const send = () => {
      if (replyFromAnyPort) socket.send(payload, port, host)
      else socket.connect(port, host, () => socket.send(payload))
    }
    if (from) socket.bind({ port: from.port, address: from.address, exclusive: true }, send)
    else send()
  })
}

export type ReadinessOptions = {
  /** Overall budget for every port to answer. */
  timeoutMs: number
  /** Pause between failed attempts on one port. */
  intervalMs?: number
  /** Bound of a single attempt. */
  attemptTimeoutMs?: number
  /** The decky's hostname, for name-service probes (LLMNR/mDNS answer only for their own name). */
  hostname?: string
  /** Stops waiting (each port then reports `aborted`). */
  signal?: AbortSignal
  /**
   * Records each probe's source before it connects, so the events it causes are flagged as system
   * traffic (probe-ledger.ts). Without it the kernel picks the source and nothing is recorded.
   */
  ledger?: { book: ProbeLedger; decky: string }
}

export type PortFailure = ServicePort & { reason: string }

export type ReadinessResult = { ok: true } | { ok: false; failures: PortFailure[] }

async function retryUntil(
  attempt: (timeoutMs: number) => Promise<ProbeResult>,
  deadline: number,
  intervalMs: number,
  attemptTimeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<ProbeResult> {
  for (;;) {
    if (signal?.aborted) return { ok: false, reason: 'aborted' }
    const remaining = deadline - Date.now()
    const result = await attempt(Math.max(50, Math.min(attemptTimeoutMs, remaining)))
    if (result.ok || Date.now() + intervalMs >= deadline) return result
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/**
 * Waits until every port answers (each probed in parallel, retried until the shared deadline), so a
 * freshly started service gets the whole budget to come up, and reports the last reason per port.
 * With a ledger, each port is probed from its own recorded source port (a new one, recorded first,
 * should that port be taken), so every attempt's events are recognised as DECNET's own.
 */
export async function waitUntilReachable(
  host: string,
  ports: ServicePort[],
  {
    timeoutMs,
    intervalMs = 25,
    attemptTimeoutMs = 1000,
    hostname = 'probe',
    signal,
    ledger,
  }: ReadinessOptions,
): Promise<ReadinessResult> {
  const deadline = Date.now() + timeoutMs
  let sources: Awaited<ReturnType<typeof recordedSources>> | undefined
  if (ledger) {
    const address = await routeSourceAddress(host).catch((error: unknown) => ({
      unroutable: errorText(error),
    }))
    // No route to the decky: every port fails as a connect would (ENETUNREACH …), nothing to record.
    if (typeof address !== 'string') {
      return { ok: false, failures: ports.map((target) => ({ ...target, reason: address.unroutable })) }
    }
    sources = await recordedSources(address, ports, deadline, ledger)
  }
  const results = await Promise.all(
    ports.map(async (target, index) => {
      let from = sources?.initial[index]
      const attempt = async (ms: number): Promise<ProbeResult> => {
        const result =
          target.protocol === 'tcp'
            ? await probeTcp(host, target.port, ms, from)
            : await probeUdp(host, target.port, ms, udpProbeFor(target.port, hostname), from)
        if (!result.ok && sources && isSourcePortClash(result.reason)) {
          from = await sources.replacement(target.protocol)
        }
        return result
      }
      return { target, result: await retryUntil(attempt, deadline, intervalMs, attemptTimeoutMs, signal) }
    }),
  )
  const failures = results.flatMap(({ target, result }) =>
    result.ok ? [] : [{ ...target, reason: result.reason }],
  )
  return failures.length === 0 ? { ok: true } : { ok: false, failures }
}

/**
 * The source of each port's probes for one readiness run (one write for all of them), and fresh ones
 * should a port be taken; each committed to the ledger before it is used.
 */
async function recordedSources(
  address: string,
  ports: ServicePort[],
  deadline: number,
  { book, decky }: NonNullable<ReadinessOptions['ledger']>,
): Promise<{ initial: ProbeFrom[]; replacement(protocol: ServicePort['protocol']): Promise<ProbeFrom> }> {
  const validFrom = new Date(Date.now() - CLOCK_SKEW_MS)
  const validUntil = new Date(deadline + PROBE_LINGER_MS + CLOCK_SKEW_MS)
  const source = (protocol: ServicePort['protocol']): ProbeSource => ({
    decky,
    sourceIp: address,
    sourcePort: pickSourcePort(),
    protocol,
    validFrom,
    validUntil,
  })
  const initial = ports.map(({ protocol }) => source(protocol))
  await book.record(initial)
  return {
    initial: initial.map(({ sourcePort }) => ({ address, port: sourcePort })),
    async replacement(protocol) {
      const fresh = source(protocol)
      await book.record([fresh])
      return { address, port: fresh.sourcePort }
    },
  }
}

export function describeFailures(host: string, failures: PortFailure[]): string {
  return failures.map(({ protocol, port, reason }) => `${protocol}/${port} on ${host}: ${reason}`).join('; ')
}
