import { execFile } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { closeStartedAfterEach, rawClient } from './helpers.ts'
import { startWithPersona, testPersona } from './persona-fixture.ts'

closeStartedAfterEach()

const mta = (product: string, version: string) => ({ product, version, banner: version, attrs: {} })
/** A zone without daylight saving, so the expected offset never depends on the test date. */
const KOLKATA = 'Asia/Kolkata'

async function smtpDialogue(slug: 'smtp' | 'smtp_relay', persona = testPersona()) {
  const smtp = await startWithPersona(slug, persona)
  const client = await rawClient(smtp.host, smtp.port)
  const greeting = await client.expect(/\r\n$/)
  const say = async (line: string, until = /^\d{3} [^\r\n]*\r\n$|\r\n\d{3} [^\r\n]*\r\n$/) => {
    client.send(`${line}\r\n`)
    return client.expect(until)
  }
  return { smtp, client, greeting, say }
}

/** Parses an RFC 2822 date as the MTAs print it and returns its distance from now. */
function ageMs(date: string): number {
  return Math.abs(Date.parse(date) - Date.now())
}

describe('SMTP speaks one MTA product, from the persona', () => {
  it('Postfix on Debian: its banner, EHLO list and every error text', async () => {
    // Tell: an Exim greeting followed by Postfix replies; the greeting now follows the persona.
    const persona = testPersona({ services: { smtp: mta('postfix', '3.7.11') } })
    const { greeting, say } = await smtpDialogue('smtp', persona)
    expect(greeting).toBe('220 mx01.acme.example ESMTP Postfix (Debian/GNU)\r\n')
    const ehlo = await say('EHLO scanner.example')
    expect(ehlo.split('\r\n')[0]).toBe('250-mx01.acme.example')
    expect(ehlo).toMatch(/250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n/)
    expect(ehlo).toMatch(/250 CHUNKING\r\n$/)
    expect(await say('FOO bar')).toBe('502 5.5.2 Error: command not recognized\r\n')
    expect(await say('HELP')).toBe('502 5.5.2 Error: command not recognized\r\n')
    expect(await say('RCPT TO:<a@b.example>')).toBe('503 5.5.1 Error: need MAIL command\r\n')
    expect(await say('MAIL FROM:<x@evil.example>')).toBe('250 2.1.0 Ok\r\n')
    expect(await say('MAIL FROM:<x@evil.example>')).toBe('503 5.5.1 Error: nested MAIL command\r\n')
    // A local recipient is unknown; a foreign one is a relay attempt.
    expect(await say('RCPT TO:<ceo@acme.example>')).toBe(
      '550 5.1.1 <ceo@acme.example>: Recipient address rejected: User unknown in local recipient table\r\n',
    )
    expect(await say('RCPT TO:<victim@gmail.com>')).toBe(
      '554 5.7.1 <victim@gmail.com>: Relay access denied\r\n',
    )
    expect(await say('DATA')).toBe('554 5.5.1 Error: no valid recipients\r\n')
    expect(await say('RSET')).toBe('250 2.0.0 Ok\r\n')
    expect(await say('QUIT')).toBe('221 2.0.0 Bye\r\n')
  })

  it('Postfix on Ubuntu and on Rocky shows the packager each distro patches in (or none)', async () => {
    const ubuntu = testPersona({
      os: { ...testPersona().os, id: 'ubuntu', vendor: 'Canonical', versionId: '22.04' },
      services: { smtp: mta('postfix', '3.6.4') },
    })
    expect((await smtpDialogue('smtp', ubuntu)).greeting).toBe(
      '220 mx01.acme.example ESMTP Postfix (Ubuntu)\r\n',
    )
    const rocky = testPersona({
      os: { ...testPersona().os, id: 'rocky', vendor: 'Rocky', versionId: '9.4' },
      services: { smtp: mta('postfix', '3.5.9') },
    })
    expect((await smtpDialogue('smtp', rocky)).greeting).toBe('220 mx01.acme.example ESMTP Postfix\r\n')
  })

  it('Exim: version and the date of the connection in the persona timezone; Exim error texts', async () => {
    // Tell: the SMTP greeting date was fixed at service start (and always UTC).
    const persona = testPersona({ timezone: KOLKATA, services: { smtp: mta('exim', '4.96') } })
    const smtp = await startWithPersona('smtp', persona)
    const first = await (await rawClient(smtp.host, smtp.port)).expect(/\r\n$/)
    const match =
      /^220 mx01\.acme\.example ESMTP Exim 4\.96 (\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0530)\r\n$/.exec(
        first,
      )
    expect(match).not.toBeNull()
    expect(ageMs(match?.[1] ?? '')).toBeLessThan(60_000)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const second = await (await rawClient(smtp.host, smtp.port)).expect(/\r\n$/)
    expect(second).not.toBe(first)

    const client = await rawClient(smtp.host, smtp.port)
    await client.expect(/\r\n$/)
    client.send('EHLO probe.example\r\n')
    const ehlo = await client.expect(/250 HELP\r\n$/)
    expect(ehlo).toMatch(
      /^250-mx01\.acme\.example Hello probe\.example \[127\.[\d.]+\]\r\n250-SIZE 52428800\r\n/,
    )
    client.send('XYZZY\r\n')
    expect(await client.expect(/\r\n$/)).toBe('500 unrecognized command\r\n')
    client.send('MAIL FROM:<a@evil.example>\r\n')
    expect(await client.expect(/\r\n$/)).toBe('250 OK\r\n')
    client.send('RCPT TO:<v@gmail.com>\r\n')
    expect(await client.expect(/\r\n$/)).toBe('550 relay not permitted\r\n')
    client.send('VRFY root\r\n')
    expect(await client.expect(/\r\n$/)).toBe('252 Administrative prohibition\r\n')
    client.send('QUIT\r\n')
    expect(await client.expect(/\r\n$/)).toBe('221 mx01.acme.example closing connection\r\n')
  })

  it('Exim relay: a fresh queue id in Exim format for every message', async () => {
    // Tell: queue ids were random hex of a fixed shape whatever the MTA claimed.
    const persona = testPersona({ services: { smtp_relay: mta('exim', '4.96') } })
    const { say } = await smtpDialogue('smtp_relay', persona)
    await say('EHLO x.example', /250 HELP\r\n$/)
    const ids: string[] = []
    for (let i = 0; i < 2; i++) {
      expect(await say('MAIL FROM:<a@b.example>')).toBe('250 OK\r\n')
      expect(await say('RCPT TO:<c@d.example>')).toBe('250 Accepted\r\n')
      expect(await say('DATA')).toBe('354 Enter message, ending with "." on a line by itself\r\n')
      const queued = await say(`Subject: ${i}\r\n\r\nhi\r\n.`)
      const id = /^250 OK id=([0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2})\r\n$/.exec(queued)?.[1]
      expect(id).toBeDefined()
      ids.push(id ?? '')
    }
    expect(ids[0]).not.toBe(ids[1])
  })

  it('Sendmail: Debian build string, date, HELP and its queue-id format', async () => {
    const persona = testPersona({ timezone: KOLKATA, services: { smtp_relay: mta('sendmail', '8.17.1.9') } })
    const { greeting, say } = await smtpDialogue('smtp_relay', persona)
    const match =
      /^220 mx01\.acme\.example ESMTP Sendmail 8\.17\.1\.9\/8\.17\.1\.9\/Debian-2; (\w{3}, \d{1,2} \w{3} \d{4} [\d:]{8} \+0530)\r\n$/.exec(
        greeting,
      )
    expect(match).not.toBeNull()
    expect(ageMs(match?.[1] ?? '')).toBeLessThan(60_000)
    expect(await say('MAIL FROM:<a@b.example>')).toBe('503 5.0.0 Polite people say HELO first\r\n')
    expect(await say('HELO x.example')).toMatch(
      /^250 mx01\.acme\.example Hello \[127[\d.]+\], pleased to meet you\r\n$/,
    )
    expect(await say('HELP')).toMatch(
      /^214-2\.0\.0 This is sendmail version 8\.17\.1\.9\r\n[\s\S]*214 2\.0\.0 End of HELP info\r\n$/,
    )
    expect(await say('MAIL FROM:<a@b.example>')).toBe('250 2.1.0 <a@b.example>... Sender ok\r\n')
    expect(await say('RCPT TO:<c@d.example>')).toBe('250 2.1.5 <c@d.example>... Recipient ok\r\n')
    await say('DATA')
    expect(await say('hello\r\n.')).toMatch(
      /^250 2\.0\.0 [0-9A-Za-x]{8}\d{6} Message accepted for delivery\r\n$/,
    )
    expect(await say('BOGUS x')).toBe('500 5.5.1 Command unrecognized: "BOGUS x"\r\n')
  })

  it('Exchange: Microsoft greeting with the connection date, its EHLO and error texts', async () => {
    const persona = testPersona({
      hostname: 'EXCH01',
      timezone: KOLKATA,
      domain: { netbios: 'ACME', dns: 'acme.local', joined: true },
      services: { smtp: mta('exchange', '15.1.2507.39') },
    })
    const { greeting, say } = await smtpDialogue('smtp', persona)
    const match =
      /^220 EXCH01\.acme\.local Microsoft ESMTP MAIL Service ready at (\w{3}, \d{1,2} \w{3} \d{4} [\d:]{8} \+0530)\r\n$/.exec(
        greeting,
      )
    expect(match).not.toBeNull()
    expect(ageMs(match?.[1] ?? '')).toBeLessThan(60_000)
    const ehlo = await say('EHLO a.example', /250 XRDST\r\n$/)
    expect(ehlo).toMatch(/^250-EXCH01\.acme\.local Hello \[127[\d.]+\]\r\n250-SIZE 37748736\r\n/)
    expect(ehlo).toContain('250-X-EXPS GSSAPI NTLM\r\n')
    expect(await say('FOO')).toBe('500 5.3.3 Unrecognized command\r\n')
    expect(await say('MAIL FROM:<a@b.example>')).toBe('250 2.1.0 Sender OK\r\n')
    expect(await say('RCPT TO:<a@gmail.com>')).toBe(
      '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain\r\n',
    )
    expect(await say('QUIT')).toBe('221 2.0.0 Service closing transmission channel\r\n')
  })

  it('a real client (curl) relays a message through Exim and sees Exim replies', async () => {
    const relay = await startWithPersona(
      'smtp_relay',
      testPersona({ services: { smtp_relay: mta('exim', '4.96') } }),
    )
    const child = execFile(
      'curl',
      [
        '-v',
        '--max-time',
        '30',
        `smtp://${relay.host}:${relay.port}`,
        '--mail-from',
        'a@b.example',
        '--mail-rcpt',
        'c@d.example',
        '-T',
        '-',
      ],
      { timeout: 60_000 },
    )
    const done = new Promise<string>((resolve) => {
      let stderr = ''
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
      })
      child.on('close', () => resolve(stderr))
    })
    child.stdin?.end('Subject: curl\r\n\r\nhello\r\n')
    const log = await done
    expect(log).toMatch(/< 220 mx01\.acme\.example ESMTP Exim 4\.96 /)
    expect(log).toMatch(/< 250-mx01\.acme\.example Hello /)
    expect(log).toMatch(/< 250 OK id=[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}/)
    const message = await relay.waitFor((e) => e.event === 'message')
    expect(message.fields.subject).toBe('curl')
  })

  it('twins: two deckies with the same MTA announce their own names', async () => {
    // Tell: every decky greeted with the same host name.
    const a = await smtpDialogue('smtp', testPersona({ seed: 'a', hostname: 'mail-a' }))
    const b = await smtpDialogue('smtp', testPersona({ seed: 'b', hostname: 'relay7' }))
    expect(a.greeting).toContain('mail-a.acme.example')
    expect(b.greeting).toContain('relay7.acme.example')
  })
})

describe("IMAP and POP3 speak the decky's one mailbox server", () => {
  const mda = (product: string) => {
    const version = product === 'dovecot' ? '2.3.19.1' : '15.1.2507.39'
    const banner = (exchange: string) =>
      product === 'dovecot'
        ? 'Dovecot (Debian) ready.'
        : `The Microsoft Exchange ${exchange} service is ready.`
    return {
      imap: { product, version, banner: banner('IMAP4'), attrs: {} },
      pop3: { product, version, banner: banner('POP3'), attrs: {} },
    }
  }

  it('Dovecot on Debian: greeting, post-login capabilities and Dovecot completion texts', async () => {
    // Tell: the IMAP greeting named a distro other than the decky's.
    const imap = await startWithPersona('imap', testPersona({ services: mda('dovecot') }))
    const client = await rawClient(imap.host, imap.port)
    expect(await client.expect(/\r\n$/)).toMatch(
      /^\* OK \[CAPABILITY IMAP4rev1 [^\]]*\] Dovecot \(Debian\) ready\.\r\n$/,
    )
    client.send('a1 LOGIN bob secret\r\n')
    expect(await client.expect(/a1 .*\r\n$/)).toMatch(
      /^a1 OK \[CAPABILITY IMAP4rev1 .* SPECIAL-USE\] Logged in\r\n$/,
    )
    client.send('a2 SELECT INBOX\r\n')
    expect(await client.expect(/a2 .*\r\n$/)).toMatch(
      /a2 OK \[READ-WRITE\] Select completed \(0\.00\d \+ 0\.000 secs\)\.\r\n$/,
    )
    // Bait messages are addressed in the decky's own mail domain and dated in its timezone.
    client.send('a21 FETCH 1 (BODY[])\r\n')
    const fetched = await client.expect(/a21 OK .*\r\n$/)
    expect(fetched).toContain('To: bob@acme.example\r\n')
    expect(fetched).toMatch(/\r\nDate: \w{3}, \d{1,2} \w{3} \d{4} [\d:]{8} \+0[12]00\r\n/)
    client.send('a3 FROB\r\n')
    expect(await client.expect(/a3 .*\r\n$/)).toBe('a3 BAD Error in IMAP command FROB: Unknown command.\r\n')

    const pop3 = await startWithPersona('pop3', testPersona({ services: mda('dovecot') }))
    const pop = await rawClient(pop3.host, pop3.port)
    expect(await pop.expect(/\r\n$/)).toBe('+OK Dovecot (Debian) ready.\r\n')
  })

  it('Exchange: its IMAP4/POP3 greetings carry the server FQDN, and Exchange error texts', async () => {
    const persona = testPersona({
      hostname: 'EXCH01',
      domain: { netbios: 'ACME', dns: 'acme.local', joined: true },
      services: mda('exchange'),
    })
    const tag = Buffer.from('EXCH01.acme.local', 'utf16le').toString('base64')
    const imap = await startWithPersona('imap', persona)
    const client = await rawClient(imap.host, imap.port)
    expect(await client.expect(/\r\n$/)).toBe(
      `* OK The Microsoft Exchange IMAP4 service is ready. [${tag}]\r\n`,
    )
    client.send('a1 SELECT INBOX\r\n')
    expect(await client.expect(/a1 .*\r\n$/)).toBe('a1 BAD Command received in Invalid state.\r\n')
    client.send('a2 LOGIN bob ""\r\n')
    expect(await client.expect(/a2 .*\r\n$/)).toBe('a2 NO LOGIN failed.\r\n')
    client.send('a3 LOGOUT\r\n')
    expect(await client.expect(/a3 .*\r\n$/)).toBe(
      '* BYE Microsoft Exchange Server IMAP4 server signing off.\r\na3 OK LOGOUT completed.\r\n',
    )

    const pop3 = await startWithPersona('pop3', persona)
    const pop = await rawClient(pop3.host, pop3.port)
    expect(await pop.expect(/\r\n$/)).toBe(`+OK The Microsoft Exchange POP3 service is ready. [${tag}]\r\n`)
    pop.send('USER bob\r\nPASS hunter2\r\n')
    expect(await pop.expect(/\r\n\+OK User successfully logged on\.\r\n$/)).toBe(
      '+OK\r\n+OK User successfully logged on.\r\n',
    )
    pop.send('FOO\r\n')
    expect(await pop.expect(/\r\n$/)).toBe('-ERR Protocol error. 14\r\n')
  })
})
