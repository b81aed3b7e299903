import { connect } from 'node:net'
import { Client, type ClientChannel } from 'ssh2'
import { afterAll, describe, expect, it } from 'vitest'
import type { DecoyEvent } from '../src/emulator.ts'
import { MAX_RECIPIENTS } from '../src/protocols-text/mail/smtp.ts'
import { MAX_SESSIONS } from '../src/protocols-text/ssh.ts'
import { rawClient, startTestEmulator } from './helpers.ts'

/**
 * Per-connection state is capped, and every cut is recorded (`limit_reached`, `truncated`) so an
 * analyst knows the record is incomplete.
 */
type Started = Awaited<ReturnType<typeof startTestEmulator>>
const started: Started[] = []
afterAll(async () => {
  await Promise.all(started.map((emulator) => emulator.running.close()))
})

async function start(...args: Parameters<typeof startTestEmulator>): Promise<Started> {
  const emulator = await startTestEmulator(...args)
  started.push(emulator)
  return emulator
}

describe('per-connection limits', () => {
  it('smtp_relay keeps at most MAX_RECIPIENTS RCPTs per message and records the cut', async () => {
    // Postfix's words (the derived persona may run another MTA).
    const relay = await start('smtp_relay', { config: { mta: 'postfix' } })
    const client = await rawClient(relay.host, relay.port)
    await client.expect(/^220 /)
    client.send('EHLO x\r\nMAIL FROM:<a@b.c>\r\n')
    await client.expect(/250 2\.1\.0 Ok\r\n$/)
    const total = 5000
    const longTail = 'x'.repeat(2000)
    let batch = ''
    for (let i = 0; i < total; i++) batch += `RCPT TO:<user${i}${longTail}@victim.test>\r\n`
    client.send(batch)
    await client.expect(/(452 4\.5\.3 Error: too many recipients\r\n){100}/, 20_000)
    client.send('DATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\n')
    await client.expect(/250 2\.0\.0 Ok: queued as/, 20_000)
    const message = await relay.waitFor((event) => event.event === 'message')
    expect(String(message.fields.to).split(', ')).toHaveLength(MAX_RECIPIENTS)
    // Each kept address is cut too: the event stays far below what was sent (10 MB of RCPTs).
    expect(String(message.fields.to).length).toBeLessThanOrEqual(MAX_RECIPIENTS * 258)
    expect(message.fields.truncated).toBe(true)
    expect(message.fields.recipients_refused).toBe(total - MAX_RECIPIENTS)
    const limits = relay.events.filter((event) => event.event === 'limit_reached')
    expect(limits.map((event) => event.fields)).toEqual([{ limit: 'recipients', max: MAX_RECIPIENTS }])
    client.close()
    const disconnect = await relay.waitFor((event) => event.event === 'disconnect')
    expect(disconnect.fields).toMatchObject({ truncated: true, limits_reached: 'recipients' })
  }, 60_000)

  it('ssh opens at most MAX_SESSIONS concurrent session channels per connection and records the cut', async () => {
    const ssh = await start('ssh', { config: { password: 'rootpw' } })
    const client = await new Promise<Client>((resolve, reject) => {
      const connection = new Client()
      connection.once('ready', () => resolve(connection))
      connection.on('error', reject)
      connection.connect({ host: ssh.host, port: ssh.port, username: 'root', password: 'rootpw' })
    })
    try {
      const opened = await Promise.all(
        Array.from(
          { length: MAX_SESSIONS + 5 },
          () =>
            new Promise<ClientChannel | undefined>((resolve) => {
              client.shell((error, stream) => resolve(error ? undefined : stream))
            }),
        ),
      )
      expect(opened.filter(Boolean)).toHaveLength(MAX_SESSIONS)
      const limit = await ssh.waitFor((e) => e.event === 'limit_reached')
      expect(limit.fields).toEqual({ limit: 'sessions', max: MAX_SESSIONS })
    } finally {
      client.end()
    }
  })

  it('an oversized line is recorded as limit_reached line_bytes (ftp)', async () => {
    const ftp = await start('ftp')
    const client = await rawClient(ftp.host, ftp.port)
    await client.expect(/^220/)
    client.send(`USER ${'a'.repeat(20_000)}\r\n`)
    const event = await ftp.waitFor((e) => e.event === 'limit_reached')
    expect(event.fields).toEqual({ limit: 'line_bytes', max: 8192 })
    expect(event.src_ip).toBe('127.0.0.1')
    client.close()
  })

  it('a binary frame over the buffer cap is recorded before the connection is dropped (postgres)', async () => {
    const postgres = await start('postgres')
    const client = await rawClient(postgres.host, postgres.port)
    // A startup packet announcing 127 MiB, then more bytes than the reassembly buffer holds.
    client.send(Buffer.concat([Buffer.from('7fffffff00030000', 'hex'), Buffer.alloc(256 * 1024, 0x41)]))
    await client.closed
    const event = await postgres.waitFor((e) => e.event === 'limit_reached')
    expect(event.fields.limit).toBe('frame_bytes')
  })

  it('events per connection are capped; the rest are counted on disconnect', async () => {
    const redis = await start('redis', { limits: { maxEventsPerConnection: 50 } })
    const client = await rawClient(redis.host, redis.port)
    client.send('PING\r\n'.repeat(300))
    await client.expect(/(\+PONG\r\n){300}/, 20_000)
    client.close()
    const disconnect = await redis.waitFor((event) => event.event === 'disconnect')
    const peerEvents = redis.events.filter((event) => event.src_port === disconnect.src_port)
    // connect + 49 commands, then the cut is recorded and the other 251 commands only counted.
    expect(peerEvents.filter((event) => event.event === 'command')).toHaveLength(49)
    expect(peerEvents.filter((event) => event.event === 'limit_reached').map((e) => e.fields)).toEqual([
      { limit: 'events', max: 50 },
    ])
    expect(disconnect.fields).toMatchObject({ truncated: true, events_suppressed: 251 })
  })

  it('a pipelining peer that never reads stops being read: replies queued stay bounded', async () => {
    const redis = await start('redis', { limits: { maxPendingOutputBytes: 64 * 1024 } })
    const socket = connect({ host: redis.host, port: redis.port })
    socket.on('error', () => undefined)
    await new Promise((resolve) => socket.once('connect', resolve))
    // Never read: the replies pile up on the decoy's side unless it applies backpressure.
    socket.pause()
    const chunk = Buffer.from('PING\r\n'.repeat(10_000))
    const limited = (e: DecoyEvent) =>
      e.event === 'limit_reached' && e.fields.limit === 'pending_output_bytes'
    // Write until the decoy says it stopped reading (the kernel's socket buffers absorb megabytes
    // first, and how fast it gets there depends on the machine's load), or until it plainly never will.
    let written = 0
    const deadline = Date.now() + 30_000
    while (!redis.events.some(limited) && Date.now() < deadline && written < 64 * 1024 * 1024) {
      if (!socket.write(chunk)) {
        await Promise.race([
          new Promise((resolve) => socket.once('drain', resolve)),
          new Promise((resolve) => setTimeout(resolve, 200)),
        ])
      }
      written += chunk.length
    }
    const event = await redis.waitFor(limited)
    expect(event.fields.max).toBe(64 * 1024)
    // The decoy stopped reading: far less than the 64 MiB an unbounded reader would have accepted.
    expect(written).toBeLessThan(32 * 1024 * 1024)
    socket.destroy()
  }, 60_000)
})
