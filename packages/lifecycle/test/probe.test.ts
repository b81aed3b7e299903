import { createSocket } from 'node:dgram'
import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { probeTcp, probeUdp, waitUntilReachable } from '../src/probe/probe.ts'
import type { ProbeLedger, ProbeSource } from '../src/probe/probe-ledger.ts'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

async function tcpServer(host = '127.0.0.1'): Promise<number> {
  const server: Server = createServer((socket) => socket.end())
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  cleanups.push(() => server.close())
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('no address')
  return address.port
}

async function udpServer(answer: boolean): Promise<number> {
  const socket = createSocket('udp4')
  socket.on('message', (_message, peer) => {
    if (answer) socket.send('pong', peer.port, peer.address)
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  cleanups.push(() => socket.close())
  return socket.address().port
}

async function freePort(): Promise<number> {
  const port = await tcpServer()
  cleanups.pop()?.()
  return port
}

describe('readiness probes', () => {
  it('TCP: a listener answers, a closed port is refused', async () => {
    const port = await tcpServer()
    await expect(probeTcp('127.0.0.1', port, 500)).resolves.toEqual({ ok: true })
    const closed = await freePort()
    await expect(probeTcp('127.0.0.1', closed, 500)).resolves.toEqual({ ok: false, reason: 'ECONNREFUSED' })
  })

  it('UDP: a reply counts, silence times out, an unreachable port is refused', {
    timeout: 30_000,
  }, async () => {
    await expect(probeUdp('127.0.0.1', await udpServer(true), 500)).resolves.toEqual({ ok: true })
    const silent = await probeUdp('127.0.0.1', await udpServer(false), 200)
    expect(silent).toEqual({ ok: false, reason: 'no reply within 200 ms' })
    // The kernel rate-limits ICMP errors host-wide (net.ipv4.icmp_msgs_per_sec), and suites running
    // beside this one (nmap -sU against loopback decoys) can spend that budget: a port-unreachable
    // may be dropped. A closed port must never count as open, and once an ICMP error gets through
    // the probe must call it refused.
    const closed = await freePort()
    const attempts = []
    for (let attempt = 0; attempt < 10; attempt++) {
      const result = await probeUdp('127.0.0.1', closed, 500)
      attempts.push(result)
      if (result.ok === false && result.reason === 'ECONNREFUSED') break
    }
    expect(attempts.every((result) => result.ok === false)).toBe(true)
    expect(attempts.at(-1)).toEqual({ ok: false, reason: 'ECONNREFUSED' })
  })

  it('UDP name services (LLMNR/mDNS) may stay silent: no port-unreachable counts as open', async () => {
    const silent = await udpServer(false)
    const probe = { payload: Buffer.from([0]), silenceMeansOpen: true, replyFromAnyPort: false }
    await expect(probeUdp('127.0.0.1', silent, 200, probe)).resolves.toEqual({ ok: true })
    await expect(probeUdp('127.0.0.1', await freePort(), 500, probe)).resolves.toEqual({
      ok: false,
      reason: 'ECONNREFUSED',
    })
  })

  it('UDP services that reply from another port (TFTP transfer IDs) are heard when the probe allows it', async () => {
    const listener = createSocket('udp4')
    const transfer = createSocket('udp4')
    listener.on('message', (_message, peer) => transfer.send('data', peer.port, peer.address))
    await new Promise<void>((resolve) => listener.bind(0, '127.0.0.1', resolve))
    await new Promise<void>((resolve) => transfer.bind(0, '127.0.0.1', resolve))
    cleanups.push(
      () => listener.close(),
      () => transfer.close(),
    )
    const port = listener.address().port
    const probe = { payload: Buffer.from([0]), silenceMeansOpen: false, replyFromAnyPort: true }
    await expect(probeUdp('127.0.0.1', port, 500, probe)).resolves.toEqual({ ok: true })
    await expect(probeUdp('127.0.0.1', port, 200, { ...probe, replyFromAnyPort: false })).resolves.toEqual({
      ok: false,
      reason: 'no reply within 200 ms',
    })
  })

  it('waits for a late listener within the budget and names every failing port otherwise', async () => {
    const late = await freePort()
    setTimeout(() => {
      const server = createServer((socket) => socket.end())
      server.listen(late, '127.0.0.1')
      cleanups.push(() => server.close())
    }, 300)
    const started = Date.now()
    await expect(
      waitUntilReachable('127.0.0.1', [{ port: late, protocol: 'tcp' }], { timeoutMs: 3000 }),
    ).resolves.toEqual({ ok: true })
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)

    const closed = await freePort()
    const open = await tcpServer()
    const result = await waitUntilReachable(
      '127.0.0.1',
      [
        { port: open, protocol: 'tcp' },
        { port: closed, protocol: 'tcp' },
      ],
      { timeoutMs: 400 },
    )
    expect(result).toEqual({
      ok: false,
      failures: [{ port: closed, protocol: 'tcp', reason: 'ECONNREFUSED' }],
    })
  })

  it('stops waiting when its signal aborts, reporting every port still waited on as aborted', async () => {
    const closed = await freePort()
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 200)
    const started = Date.now()
    const result = await waitUntilReachable('127.0.0.1', [{ port: closed, protocol: 'tcp' }], {
      timeoutMs: 10_000,
      signal: controller.signal,
    })
    expect(result).toEqual({ ok: false, failures: [{ port: closed, protocol: 'tcp', reason: 'aborted' }] })
    expect(Date.now() - started).toBeLessThan(2000)
  })
})

describe('readiness probes with a ledger', () => {
  /** An in-memory ledger: what the database ledger commits, kept in a list. */
  function memoryLedger(onRecord?: (sources: ProbeSource[]) => Promise<void> | void) {
    const recorded: ProbeSource[] = []
    const book: ProbeLedger = {
      async record(sources) {
        await onRecord?.([...sources])
        recorded.push(...sources)
      },
    }
    return { book, recorded }
  }

  it('connects every TCP and UDP probe from a source recorded before it connected', async () => {
    const { book, recorded } = memoryLedger()
    const seen: { port: number; knownBefore: boolean }[] = []
    const server = createServer((socket) => {
      seen.push({
        port: socket.remotePort ?? 0,
        knownBefore: recorded.some((s) => s.sourcePort === socket.remotePort),
      })
      socket.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => server.close())
    const udp = createSocket('udp4')
    udp.on('message', (_message, peer) => {
      seen.push({ port: peer.port, knownBefore: recorded.some((s) => s.sourcePort === peer.port) })
      udp.send('pong', peer.port, peer.address)
    })
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve))
    cleanups.push(() => udp.close())
    const tcpPort = (server.address() as { port: number }).port
    const udpPort = udp.address().port

    const before = Date.now()
    const result = await waitUntilReachable(
      '127.0.0.1',
      [
        { port: tcpPort, protocol: 'tcp' },
        { port: udpPort, protocol: 'udp' },
      ],
      { timeoutMs: 3000, ledger: { book, decky: 'd1' } },
    )
    expect(result).toEqual({ ok: true })
    expect(seen.length).toBeGreaterThanOrEqual(2)
    expect(seen.every((visit) => visit.knownBefore)).toBe(true)
    expect(recorded.map(({ decky, sourceIp, protocol }) => [decky, sourceIp, protocol])).toEqual([
      ['d1', '127.0.0.1', 'tcp'],
      ['d1', '127.0.0.1', 'udp'],
    ])
    const [first] = recorded
    // The window covers the run, widened for decoy clock skew.
    expect(first?.validFrom.getTime()).toBeLessThanOrEqual(before - 59_000)
    expect(first?.validUntil.getTime()).toBeGreaterThanOrEqual(before + 3000 + 60_000)
  })

  it('replaces a source port that turns out to be taken with a fresh, recorded one', async () => {
    const occupiers: Server[] = []
    // The first chosen port is taken (by a listener) between choosing and connecting.
    const { book, recorded } = memoryLedger(async (sources) => {
      if (recorded.length > 0) return
      const occupier = createServer()
      await new Promise<void>((resolve) => occupier.listen(sources[0]?.sourcePort, '127.0.0.1', resolve))
      occupiers.push(occupier)
    })
    cleanups.push(() => {
      for (const occupier of occupiers) occupier.close()
    })
    const accepted: number[] = []
    const server = createServer((socket) => {
      accepted.push(socket.remotePort ?? 0)
      socket.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => server.close())
    const port = (server.address() as { port: number }).port
    const result = await waitUntilReachable('127.0.0.1', [{ port, protocol: 'tcp' }], {
      timeoutMs: 3000,
      ledger: { book, decky: 'd1' },
    })
    expect(result).toEqual({ ok: true })
    expect(recorded).toHaveLength(2)
    expect(accepted).toEqual([recorded[1]?.sourcePort])
  })
})
