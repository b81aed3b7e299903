import { createSocket } from 'node:dgram'
import { describe, expect, it } from 'vitest'
import { closeStartedAfterEach, rawClient, startTestEmulator } from './helpers.ts'

closeStartedAfterEach()

function sipRequest(method: string, port: number, extra: string[] = []): string {
  return [
    `${method} sip:100@example.invalid SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-${method}`,
    'From: <sip:100@example.invalid>;tag=abc',
    'To: <sip:100@example.invalid>',
    `Call-ID: ${method}-1@127.0.0.1`,
    `CSeq: 1 ${method}`,
    'User-Agent: friendly-scanner',
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n')
}

describe('sip emulator', () => {
  it('challenges REGISTER with a digest 401 over UDP and captures the Authorization answer', async () => {
    const sip = await startTestEmulator('sip')
    const client = createSocket('udp4')
    try {
      await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve))
      const exchange = (message: string) =>
        new Promise<string>((resolve) => {
          client.once('message', (reply) => resolve(reply.toString()))
          client.send(message, sip.port, sip.host)
        })
      const challenge = await exchange(sipRequest('REGISTER', client.address().port))
      expect(challenge).toMatch(/^SIP\/2\.0 401 Unauthorized\r\n/)
      expect(challenge).toMatch(/Via: SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;branch=z9hG4bK-REGISTER/)
      expect(challenge).toMatch(/Call-ID: REGISTER-1@127\.0\.0\.1/)
      // Asterisk 17+ challenges through PJSIP: default realm "asterisk", a timestamped nonce and an opaque.
      const nonce =
        /WWW-Authenticate: Digest realm="asterisk",nonce="(\d+\/[0-9a-f]{32})",opaque="[0-9a-f]+",algorithm=MD5,qop="auth"/.exec(
          challenge,
        )?.[1]
      expect(nonce).toBeDefined()
      const forbidden = await exchange(
        sipRequest('REGISTER', client.address().port, [
          `Authorization: Digest username="100", realm="asterisk", nonce="${nonce}", uri="sip:example.invalid", response="0123456789abcdef0123456789abcdef", algorithm=MD5`,
        ]),
      )
      expect(forbidden).toMatch(/^SIP\/2\.0 403 Forbidden/)
      const options = await exchange(sipRequest('OPTIONS', client.address().port))
      expect(options).toMatch(/^SIP\/2\.0 200 OK[\s\S]*Server: (Asterisk|FPBX|FreeSWITCH)/)
      const auth = await sip.waitFor((e) => e.event === 'auth_attempt')
      expect(auth.fields).toMatchObject({
        username: '100',
        password: '0123456789abcdef0123456789abcdef',
        kind: 'sip_digest_md5',
      })
      const request = await sip.waitFor((e) => e.event === 'request' && e.fields.method === 'OPTIONS')
      expect(request.fields).toMatchObject({ user_agent: 'friendly-scanner', transport: 'udp' })
      expect(request.src_port).toBe(client.address().port)
    } finally {
      client.close()
      await sip.running.close()
    }
  })

  it('answers INVITE over TCP on the same port', async () => {
    const sip = await startTestEmulator('sip')
    const client = await rawClient(sip.host, sip.port)
    client.send(sipRequest('INVITE', client.socket.localPort ?? 0))
    expect(await client.expect(/\r\n\r\n$/)).toMatch(/^SIP\/2\.0 401 Unauthorized/)
    client.close()
    const request = await sip.waitFor((e) => e.event === 'request' && e.fields.transport === 'tcp')
    expect(request.fields.method).toBe('INVITE')
  })
})
