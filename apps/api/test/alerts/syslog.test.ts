// The syslog channel against a real rsyslogd on loopback: what rsyslog parsed and wrote must be a
// well-formed RFC 5424 message carrying the alert, over UDP, TCP and TLS with a pinned CA.
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TransportError } from '../../src/alerts/transport.ts'
import {
  createSyslogTransport,
  escapeSdParamValue,
  formatSyslogMessage,
  SYSLOG_SD_ID,
  type SyslogConfig,
} from '../../src/alerts/transports/syslog.ts'
import { eventually } from '../support/wait.ts'
import { makeTestCa, parseRfc5424, Rsyslog } from './rsyslog.ts'
import { HOSTILE_SUMMARY, sampleAlert } from './sample-alert.ts'
import { expectGivesUpOnSilentReceiver } from './silent-receiver.ts'

const deadline = () => AbortSignal.timeout(15_000)
const LOCAL0_ERR = 16 * 8 + 3

describe('syslog alert transport', () => {
  const rsyslog = new Rsyslog()
  const base = {
    host: '127.0.0.1',
    facility: 'local0',
    appName: 'decnet-test',
    hostname: 'sensor-1',
  } as const
  const tlsConfig = (): SyslogConfig => ({
    ...base,
    protocol: 'tls',
    port: rsyslog.ports.tls,
    caPem: rsyslog.certs.ca,
  })

  beforeAll(() => rsyslog.start())
  afterAll(() => rsyslog.dispose())

  function expectAlertLine(line: string, alert: ReturnType<typeof sampleAlert>) {
    const parsed = parseRfc5424(line)
    expect(parsed.pri).toBe(LOCAL0_ERR)
    expect(parsed.version).toBe(1)
    expect(new Date(parsed.timestamp).toISOString()).toBe(alert.createdAt)
    expect(parsed.hostname).toBe('sensor-1')
    expect(parsed.appName).toBe('decnet-test')
    expect(parsed.procId).toBe(String(process.pid))
    expect(parsed.msgId).toBe('incident-opened')
    expect(parsed.structuredData[SYSLOG_SD_ID]).toMatchObject({
      incidentId: alert.incident.id,
      severity: 'high',
      srcIp: '203.0.113.7',
      decky: 'web-01',
      deckies: 'web-01,db-02',
      idempotencyKey: alert.idempotencyKey,
    })
    // MSG is UTF-8 after a BOM; the attacker's newline is neutralised, their quotes survive.
    expect(parsed.msg.startsWith('\uFEFF')).toBe(true)
    expect(parsed.msg).toContain(alert.title)
    expect(parsed.msg).toContain('login root/"p\\w]d"')
    expect(parsed.msg).toContain('ünï')
    expect(parsed.msg).not.toContain('\n')
    return parsed
  }

  it('delivers over UDP', async () => {
    const transport = createSyslogTransport({ ...base, protocol: 'udp', port: rsyslog.ports.udp })
    const alert = sampleAlert()
    // UDP promises nothing: resend the same alert until rsyslog has it (receivers dedupe on the key).
    const resend = setInterval(() => void transport.send(alert, deadline()).catch(() => {}), 500)
    try {
      await transport.send(alert, deadline())
      expectAlertLine(await rsyslog.lineFor(alert.idempotencyKey), alert)
    } finally {
      clearInterval(resend)
      await transport.close()
    }
  })

  it('delivers over TCP with octet counting, escaping attacker text in structured data', async () => {
    const transport = createSyslogTransport({ ...base, protocol: 'tcp', port: rsyslog.ports.tcp })
    try {
      const hostile = sampleAlert({
        title: 'x',
        incident: { ...sampleAlert().incident, decky: 'web"]\\[evil x="1"]' },
      })
      const plain = sampleAlert()
      await Promise.all([transport.send(hostile, deadline()), transport.send(plain, deadline())])
      const hostileLine = parseRfc5424(await rsyslog.lineFor(hostile.idempotencyKey))
      // One SD element only: the attacker's `"]` and `[evil ...]` stay inside the decky value.
      expect(Object.keys(hostileLine.structuredData)).toEqual([SYSLOG_SD_ID])
      expect(hostileLine.structuredData[SYSLOG_SD_ID]!.decky).toBe('web"]\\[evil x="1"]')
      expectAlertLine(await rsyslog.lineFor(plain.idempotencyKey), plain)
    } finally {
      await transport.close()
    }
  })

  it('keeps messages within maxMessageBytes, cutting the text, not the structured data', async () => {
    const transport = createSyslogTransport({
      ...base,
      protocol: 'tcp',
      port: rsyslog.ports.tcp,
      maxMessageBytes: 1024,
    })
    try {
      const huge = 'é'.repeat(5_000)
      const alert = sampleAlert({ title: `big ${huge}` })
      const formatted = formatSyslogMessage(alert, { ...base, maxMessageBytes: 1024 })
      expect(Buffer.byteLength(formatted)).toBeLessThanOrEqual(1024)
      expect(Buffer.byteLength(formatted)).toBeGreaterThan(1000)
      await transport.send(alert, deadline())
      const parsed = parseRfc5424(await rsyslog.lineFor(alert.idempotencyKey))
      expect(parsed.structuredData[SYSLOG_SD_ID]!.idempotencyKey).toBe(alert.idempotencyKey)
      expect(parsed.msg).toMatch(/^\uFEFFbig é+$/)
    } finally {
      await transport.close()
    }
  })

  it('reconnects its persistent TCP connection after the receiver restarts', async () => {
    const transport = createSyslogTransport({ ...base, protocol: 'tcp', port: rsyslog.ports.tcp })
    try {
      const before = sampleAlert()
      await transport.send(before, deadline())
      await rsyslog.lineFor(before.idempotencyKey)
      await rsyslog.stop()
      // While the receiver is down the send fails, retryable, instead of vanishing into a dead socket.
      const down = await transport.send(sampleAlert(), deadline()).catch((err: unknown) => err)
      expect(down).toBeInstanceOf(TransportError)
      expect((down as TransportError).retryable).toBe(true)
      await rsyslog.start()
      const after = sampleAlert()
      await transport.send(after, deadline())
      expectAlertLine(await rsyslog.lineFor(after.idempotencyKey), after)
    } finally {
      await transport.close()
    }
  })

  it('delivers over TLS to a receiver whose certificate the pinned CA signed', async () => {
    const transport = createSyslogTransport(tlsConfig())
    try {
      const alert = sampleAlert({ severity: 'critical' })
      await transport.send(alert, deadline())
      expect(parseRfc5424(await rsyslog.lineFor(alert.idempotencyKey)).pri).toBe(16 * 8 + 2)
      const second = sampleAlert()
      await transport.send(second, deadline())
      expectAlertLine(await rsyslog.lineFor(second.idempotencyKey), second)
    } finally {
      await transport.close()
    }
  })

  it('refuses a TLS receiver signed by another CA, sending nothing', async () => {
    const otherDir = mkdtempSync(path.join(os.tmpdir(), 'decnet-other-ca-'))
    const other = makeTestCa(path.join(otherDir, 'tls'))
    rmSync(otherDir, { recursive: true, force: true })
    const transport = createSyslogTransport({ ...tlsConfig(), caPem: other.ca })
    const alert = sampleAlert()
    try {
      const err = await transport.send(alert, deadline()).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(TransportError)
      expect((err as Error).message).toMatch(/certificate|verify/i)
      const control = createSyslogTransport(tlsConfig())
      const marker = sampleAlert()
      await control.send(marker, deadline())
      await rsyslog.lineFor(marker.idempotencyKey)
      await control.close()
      expect(rsyslog.lines().some((l) => l.includes(alert.idempotencyKey))).toBe(false)
    } finally {
      await transport.close()
    }
  })

  it('refuses a TLS receiver whose certificate names another host', async () => {
    const transport = createSyslogTransport({ ...tlsConfig(), serverName: 'syslog.example' })
    try {
      const err = await transport.send(sampleAlert(), deadline()).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(TransportError)
      expect((err as Error).message).toMatch(/syslog\.example|altnames|host/i)
    } finally {
      await transport.close()
    }
  })

  it('presents a client certificate to a receiver that requires one', async () => {
    const transport = createSyslogTransport(
      { ...tlsConfig(), port: rsyslog.ports.mtls, clientCertPem: rsyslog.certs.clientCert },
      { clientKeyPem: rsyslog.certs.clientKey },
    )
    try {
      const alert = sampleAlert()
      await transport.send(alert, deadline())
      expectAlertLine(await rsyslog.lineFor(alert.idempotencyKey), alert)
    } finally {
      await transport.close()
    }
  })

  it('gives up when the signal aborts (a receiver that never completes the TLS handshake)', async () => {
    await expectGivesUpOnSilentReceiver((port) => createSyslogTransport({ ...tlsConfig(), port }))
  })

  it('frames every message with its octet count, over one persistent connection', async () => {
    const connections: Buffer[][] = []
    const listener = net.createServer((socket) => {
      const chunks: Buffer[] = []
      connections.push(chunks)
      socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    })
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
    const port = (listener.address() as net.AddressInfo).port
    const transport = createSyslogTransport({ ...base, protocol: 'tcp', port })
    try {
      const alerts = Array.from({ length: 5 }, () => sampleAlert())
      for (const alert of alerts) await transport.send(alert, deadline())
      await Promise.all(alerts.map((alert) => transport.send(alert, deadline())))
      const stream = await eventually(
        async () => Buffer.concat(connections.flat()),
        (bytes) => bytes.toString().split('idempotencyKey="').length - 1 === 10,
        'ten frames',
      )
      expect(connections).toHaveLength(1)
      // MSG-LEN SP SYSLOG-MSG, back to back: decoding by the counts lands exactly on the end.
      const keys: string[] = []
      let at = 0
      while (at < stream.length) {
        const space = stream.indexOf(0x20, at)
        const length = Number(stream.subarray(at, space).toString())
        const frame = stream.subarray(space + 1, space + 1 + length).toString()
        keys.push(parseRfc5424(frame).structuredData[SYSLOG_SD_ID]!.idempotencyKey!)
        at = space + 1 + length
      }
      expect(at).toBe(stream.length)
      expect(keys.slice(0, 5)).toEqual(alerts.map((a) => a.idempotencyKey))
      expect([...keys.slice(5)].sort()).toEqual(alerts.map((a) => a.idempotencyKey).sort())
    } finally {
      await transport.close()
      await new Promise((resolve) => listener.close(resolve))
    }
  })

  it('escapes exactly the three SD-PARAM characters of RFC 5424', () => {
    expect(escapeSdParamValue('a"b\\c]d[e=f')).toBe('a\\"b\\\\c\\]d[e=f')
    const alert = sampleAlert({ incident: { ...sampleAlert().incident, decky: 'a"]b\\' } })
    const line = formatSyslogMessage(alert, { ...base, maxMessageBytes: 2048 })
    expect(line).toContain(' decky="a\\"\\]b\\\\" ')
    // The newline of the attacker's summary never reaches the wire.
    expect(line).toContain(HOSTILE_SUMMARY.split('\n')[0])
    expect(line).not.toMatch(/[\r\n]/)
  })

  it('refuses a TLS config without a CA, and a client certificate without its key', () => {
    expect(() => createSyslogTransport({ ...base, protocol: 'tls', port: 6514 })).toThrow(/caPem/)
    expect(() => createSyslogTransport({ ...tlsConfig(), clientCertPem: rsyslog.certs.clientCert })).toThrow(
      TransportError,
    )
  })
})
