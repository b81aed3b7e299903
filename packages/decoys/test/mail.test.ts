import { describe, expect, it } from 'vitest'
import { closeStartedAfterEach, rawClient, startTestEmulator } from './helpers.ts'

closeStartedAfterEach()

const b64 = (text: string) => Buffer.from(text).toString('base64')

describe('smtp emulator', () => {
  it('greets with the MTA persona, rejects AUTH (535) and RCPT (554), capturing both AUTH forms', async () => {
    const smtp = await startTestEmulator('smtp', { config: { mta: 'postfix' } })
    const client = await rawClient(smtp.host, smtp.port)
    expect(await client.expect(/\r\n$/)).toMatch(/^220 SRV-DELTA-42\.[\w.-]+ ESMTP Postfix/)
    client.send('EHLO scanner.example\r\n')
    expect(await client.expect(/250 CHUNKING\r\n$/)).toContain('250-AUTH PLAIN LOGIN')
    client.send(`AUTH PLAIN ${b64('\0admin\0hunter2')}\r\n`)
    await client.expect(/^535 5\.7\.8 /)
    client.send('AUTH LOGIN\r\n')
    await client.expect(/^334 VXNlcm5hbWU6/)
    client.send(`${b64('info@corp.example')}\r\n`)
    await client.expect(/^334 UGFzc3dvcmQ6/)
    client.send(`${b64('Spring2024')}\r\n`)
    await client.expect(/^535 /)
    client.send('MAIL FROM:<spam@evil.example>\r\nRCPT TO:<victim@gmail.com>\r\n')
    const answer = await client.expect(/554 .*\r\n$/)
    expect(answer).toMatch(/250 2\.1\.0 Ok\r\n554 5\.7\.1 <victim@gmail\.com>: Relay access denied/)
    client.send('QUIT\r\n')
    await client.closed
    const auth = smtp.events.filter((e) => e.event === 'auth_attempt').map((e) => e.fields)
    expect(auth).toEqual([
      { username: 'admin', password: 'hunter2', mechanism: 'PLAIN', success: false },
      { username: 'info@corp.example', password: 'Spring2024', mechanism: 'LOGIN', success: false },
    ])
    const rcpt = await smtp.waitFor((e) => e.event === 'command' && e.fields.verb === 'RCPT')
    expect(rcpt.fields.arg).toBe('TO:<victim@gmail.com>')
  })

  it('smtp_relay accepts AUTH and relays, logging the message', async () => {
    const relay = await startTestEmulator('smtp_relay', {
      config: { banner: 'mx1.corp.example ESMTP ready', mta: 'postfix' },
    })
    try {
      const client = await rawClient(relay.host, relay.port)
      expect(await client.expect(/\r\n$/)).toBe('220 mx1.corp.example ESMTP ready\r\n')
      client.send(`EHLO x\r\nAUTH PLAIN ${b64('\0relay\0relaypw')}\r\n`)
      await client.expect(/235 2\.7\.0 Authentication successful/)
      client.send('MAIL FROM:<a@b.example>\r\nRCPT TO:<probe@test.example>\r\nDATA\r\n')
      await client.expect(/354 End data/)
      client.send('Subject: relay test 42\r\n\r\nhello\r\n..dot\r\n.\r\n')
      await client.expect(/250 2\.0\.0 Ok: queued as [0-9A-F]{10}/)
      client.close()
      const message = await relay.waitFor((e) => e.event === 'message')
      expect(message.fields).toMatchObject({
        from: 'a@b.example',
        to: 'probe@test.example',
        subject: 'relay test 42',
      })
      expect(String(message.fields.body)).toContain('\r\n.dot')
    } finally {
      await relay.running.close()
    }
  })
})

describe('imap emulator', () => {
  it('shows a Dovecot banner, captures LOGIN and serves the bait mailbox', async () => {
    const imap = await startTestEmulator('imap')
    const client = await rawClient(imap.host, imap.port)
    expect(await client.expect(/\r\n$/)).toMatch(
      /^\* OK \[CAPABILITY IMAP4rev1 .*\] Dovecot( \((Ubuntu|Debian)\))? ready\.\r\n$/,
    )
    client.send('a1 CAPABILITY\r\n')
    await client.expect(/a1 OK/)
    client.send('a2 SELECT INBOX\r\n')
    await client.expect(/a2 BAD Error in IMAP command received by server\./)
    client.send('a3 LOGIN "j.doe@corp.example" "Pa ss\\"word"\r\n')
    await client.expect(/a3 OK/)
    client.send('a4 SELECT INBOX\r\n')
    const selected = await client.expect(/a4 OK \[READ-WRITE\]/)
    const count = Number(/\* (\d+) EXISTS/.exec(selected)?.[1])
    expect(count).toBeGreaterThanOrEqual(8)
    client.send('a5 FETCH 1:* (BODY[])\r\n')
    const fetched = await client.expect(/a5 OK Fetch completed/)
    expect(fetched.match(/\* \d+ FETCH/g)?.length).toBe(count)
    expect(fetched).toMatch(/To: j\.doe@/)
    client.send('a6 LOGOUT\r\n')
    await client.closed
    const auth = await imap.waitFor((e) => e.event === 'auth_attempt')
    expect(auth.fields).toMatchObject({
      username: 'j.doe@corp.example',
      password: 'Pa ss"word',
      success: true,
    })
  })
})

describe('implicit TLS mail ports', () => {
  it('imap answers on its second port (993) over TLS', async () => {
    const { connect } = await import('node:tls')
    const imap = await startTestEmulator('imap', { ports: [0, 0] })
    const banner = await new Promise<string>((resolve, reject) => {
      const socket = connect({
        host: imap.host,
        port: imap.running.ports[1] as number,
        rejectUnauthorized: false,
      })
      socket.once('data', (chunk: Buffer) => {
        resolve(chunk.toString())
        socket.destroy()
      })
      socket.on('error', reject)
    })
    expect(banner).toMatch(/^\* OK \[CAPABILITY IMAP4rev1/)
  })
})

describe('pop3 emulator', () => {
  it('captures USER/PASS and lists and retrieves bait messages', async () => {
    const pop3 = await startTestEmulator('pop3')
    const client = await rawClient(pop3.host, pop3.port)
    expect(await client.expect(/\r\n$/)).toMatch(/^\+OK Dovecot( \((Ubuntu|Debian)\))? ready\.\r\n$/)
    client.send('STAT\r\n')
    await client.expect(/^-ERR/)
    client.send('USER backup\r\nPASS backup2023\r\n')
    await client.expect(/\+OK Logged in\./)
    client.send('STAT\r\n')
    const stat = await client.expect(/\+OK \d+ \d+\r\n/)
    const count = Number(/\+OK (\d+)/.exec(stat)?.[1])
    expect(count).toBeGreaterThanOrEqual(8)
    client.send('RETR 1\r\n')
    const message = await client.expect(/\r\n\.\r\n$/)
    expect(message).toMatch(/^\+OK \d+ octets\r\nReturn-Path: /)
    client.send('QUIT\r\n')
    await client.closed
    const auth = await pop3.waitFor((e) => e.event === 'auth_attempt')
    expect(auth.fields).toMatchObject({ username: 'backup', password: 'backup2023', success: true })
    expect(auth.secret_fields).toEqual(['password'])
  })
})
