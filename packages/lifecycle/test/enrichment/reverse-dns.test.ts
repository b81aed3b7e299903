// Reverse DNS against real DNS servers on loopback: dnsmasq answering PTR queries, and a UDP socket
// that never answers (timeouts, the concurrency cap).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseRdnsSetting, ReverseDns } from '../../src/index.ts'
import { type LoopbackDns, startLoopbackDns, startSilentDns } from '../support/dns-server.ts'

describe('reverse DNS', () => {
  let dns: LoopbackDns
  beforeAll(async () => {
    dns = await startLoopbackDns({ '8.8.8.8': 'dns.google', '1.1.1.1': 'one.one.one.one' })
  })
  afterAll(() => dns.stop())

  it('resolves a PTR record, reports a missing one as none, and caches both answers', async () => {
    const rdns = new ReverseDns({ servers: [dns.server], timeoutMs: 5_000 })
    expect(await rdns.resolve('8.8.8.8')).toEqual({ status: 'ok', name: 'dns.google' })
    expect(await rdns.resolve('9.9.9.9')).toEqual({ status: 'none', name: null })
    expect(await rdns.resolve('8.8.8.8')).toEqual({ status: 'ok', name: 'dns.google' })
    expect(await rdns.resolve('9.9.9.9')).toEqual({ status: 'none', name: null })
    expect(dns.queries().filter((name) => name === '8.8.8.8.in-addr.arpa')).toHaveLength(1)
    expect(dns.queries().filter((name) => name === '9.9.9.9.in-addr.arpa')).toHaveLength(1)
  })

  it('asks again once a cached answer has expired', async () => {
    let clock = 0
    const rdns = new ReverseDns({
      servers: [dns.server],
      timeoutMs: 5_000,
      cacheTtlMs: 1_000,
      now: () => clock,
    })
    const before = dns.queries().filter((name) => name === '1.1.1.1.in-addr.arpa').length
    await rdns.resolve('1.1.1.1')
    await rdns.resolve('1.1.1.1')
    clock = 2_000
    expect(await rdns.resolve('1.1.1.1')).toEqual({ status: 'ok', name: 'one.one.one.one' })
    expect(dns.queries().filter((name) => name === '1.1.1.1.in-addr.arpa').length - before).toBe(2)
  })

  it('never sends a labelled address (loopback, private, link-local, CGNAT, documentation) anywhere', async () => {
    const rdns = new ReverseDns({ servers: [dns.server], timeoutMs: 5_000 })
    const before = dns.queries().length
    for (const ip of [
      '127.0.0.1',
      '10.0.0.5',
      '192.168.1.9',
      '169.254.1.1',
      '100.64.0.1',
      '192.0.2.7',
      'fd00::1',
    ]) {
      expect((await rdns.resolve(ip)).status).toBe('failed')
    }
    expect(dns.queries().length).toBe(before)
  })
})

describe('reverse DNS against a server that never answers', () => {
  it('gives up after the timeout, and keeps at most `concurrency` queries in flight', async () => {
    const silent = await startSilentDns()
    try {
      const rdns = new ReverseDns({ servers: [silent.server], timeoutMs: 1_500, concurrency: 2 })
      const answers = Promise.all(
        ['8.8.8.8', '8.8.4.4', '1.1.1.1', '1.0.0.1', '9.9.9.9'].map((ip) => rdns.resolve(ip)),
      )
      // The first two queries arrive; the other three wait for a slot (none frees before a timeout).
      for (let waited = 0; silent.received() < 2 && waited < 5_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(silent.received()).toBe(2)
      const settled = await answers
      expect(settled.map((answer) => answer.status)).toEqual([
        'failed',
        'failed',
        'failed',
        'failed',
        'failed',
      ])
      expect(silent.received()).toBe(5)
    } finally {
      await silent.stop()
    }
  })
})

describe('DECNET_RDNS', () => {
  it('is off unless set; system or a list of servers', () => {
    expect(parseRdnsSetting(undefined)).toBeNull()
    expect(parseRdnsSetting('')).toBeNull()
    expect(parseRdnsSetting('off')).toBeNull()
    expect(parseRdnsSetting('system')).toEqual({ servers: [] })
    expect(parseRdnsSetting('127.0.0.1:5353, [::1]:53,9.9.9.9')).toEqual({
      servers: ['127.0.0.1:5353', '[::1]:53', '9.9.9.9'],
    })
    expect(() => parseRdnsSetting('dns.example.com')).toThrow(/DECNET_RDNS/)
  })
})
