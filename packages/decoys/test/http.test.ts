import type { X509Certificate } from 'node:crypto'
import { request as httpsRequest } from 'node:https'
import { type TLSSocket, connect as tlsConnect } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawClient, startTestEmulator } from './helpers.ts'

type Started = Awaited<ReturnType<typeof startTestEmulator>>

describe('http emulator', () => {
  let web: Started
  beforeAll(async () => {
    web = await startTestEmulator('http', {
      ports: [0, 0],
      config: {
        fake_app: 'wordpress',
        server_header: 'Apache/2.4.52 (Ubuntu)',
        extra_headers: '{"X-Powered-By":"PHP/8.1.2"}',
      },
    })
  })
  afterAll(() => web.running.close())

  it('logs each request with method, path, user agent and headers', async () => {
    const response = await fetch(`http://${web.host}:${web.port}/?p=1`, {
      headers: { 'User-Agent': 'Nmap Scripting Engine' },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('server')).toBe('Apache/2.4.52 (Ubuntu)')
    expect(response.headers.get('x-powered-by')).toBe('PHP/8.1.2')
    expect(await response.text()).toMatch(/<meta name="generator" content="WordPress 6\.\d\.\d" \/>/)
    const event = await web.waitFor((e) => e.event === 'request' && e.fields.path === '/?p=1')
    expect(event.fields).toMatchObject({
      method: 'GET',
      user_agent: 'Nmap Scripting Engine',
      status: 200,
      tls: false,
    })
    expect(JSON.parse(String(event.fields.headers))['user-agent']).toBe('Nmap Scripting Engine')
    expect(event.src_ip).toBe('127.0.0.1')
  })

  it('captures a WordPress login POST as an auth_attempt with secret fields', async () => {
    const response = await fetch(`http://${web.host}:${web.port}/wp-login.php`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'log=admin&pwd=P%40ssw0rd&wp-submit=Log+In',
    })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain(
      'The password you entered for the username <strong>admin</strong> is incorrect',
    )
    const event = await web.waitFor((e) => e.event === 'auth_attempt')
    expect(event.fields).toMatchObject({
      username: 'admin',
      password: 'P@ssw0rd',
      path: '/wp-login.php',
      success: false,
    })
    expect(event.secret_fields).toEqual(['password'])
    const request = await web.waitFor((e) => e.event === 'request' && e.fields.method === 'POST')
    expect(request.fields.body).toBe('log=admin&pwd=P%40ssw0rd&wp-submit=Log+In')
  })

  it('captures Basic credentials and answers unknown paths with a server-styled 404', async () => {
    const response = await fetch(`http://${web.host}:${web.port}/.env`, {
      headers: { Authorization: `Basic ${Buffer.from('tomcat:s3cret').toString('base64')}` },
    })
    expect(response.status).toBe(404)
    // Apache names the host the client asked for (UseCanonicalName Off).
    expect(await response.text()).toContain(
      `<address>Apache/2.4.52 (Ubuntu) Server at ${web.host} Port ${web.port}</address>`,
    )
    const event = await web.waitFor((e) => e.event === 'auth_attempt' && e.fields.username === 'tomcat')
    expect(event.fields).toMatchObject({ password: 's3cret', kind: 'plaintext', source: 'authorization' })
  })

  it('serves TLS on its second port with the persona certificate for the host name', async () => {
    const tlsPort = web.running.ports[1] as number
    const cert = await new Promise<X509Certificate>((resolve, reject) => {
      const socket = tlsConnect({ host: web.host, port: tlsPort, rejectUnauthorized: false }, () => {
        const peer = socket.getPeerX509Certificate()
        socket.destroy()
        if (peer) resolve(peer)
        else reject(new Error('no certificate'))
      })
      socket.on('error', reject)
    })
    // A Debian Apache shows ssl-cert's snakeoil certificate: self-signed, CN = the FQDN.
    expect(cert.subject).toMatch(/^CN=srv-delta-42(\.|$)/)
    expect(cert.issuer).toBe(cert.subject)
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(
        { host: web.host, port: tlsPort, path: '/wp-admin/', rejectUnauthorized: false },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(302)
    const event = await web.waitFor((e) => e.event === 'request' && e.fields.path === '/wp-admin/')
    expect(event.fields.tls).toBe(true)
  })

  it('answers garbage with 400 and survives it', async () => {
    const raw = await rawClient(web.host, web.port)
    const localPort = raw.socket.localPort
    raw.send(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]))
    await raw.expect(/^HTTP\/1\.1 400 Bad Request/)
    raw.close()
    expect((await fetch(`http://${web.host}:${web.port}/`)).status).toBe(200)
    const scan = await web.waitFor((e) => e.event === 'scan' && e.fields.reason === 'malformed_http')
    expect(scan.src_port).toBe(localPort)
  })
})

describe('http server persona', () => {
  const headerNames = async (serverHeader: string, request: string) => {
    const web = await startTestEmulator('http', { config: { server_header: serverHeader } })
    try {
      const raw = await rawClient(web.host, web.port)
      raw.send(request)
      const head = (await raw.expect(/\r\n\r\n/)).split('\r\n\r\n')[0] ?? ''
      raw.close()
      return head.split('\r\n').slice(1)
    } finally {
      await web.running.close()
    }
  }

  it('sends headers in the order and spelling of the server it claims to be', async () => {
    expect(await headerNames('nginx/1.22.1', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')).toEqual([
      'Server: nginx/1.22.1',
      expect.stringMatching(/^Date: \w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT$/),
      'Content-Type: text/html',
      'Content-Length: 615',
      expect.stringMatching(/^Last-Modified: /),
      'Connection: keep-alive',
      expect.stringMatching(/^ETag: "[0-9a-f]+-267"$/),
      'Accept-Ranges: bytes',
    ])
    const apache = await headerNames('Apache/2.4.62 (Debian)', 'GET /missing HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(apache.map((line) => line.split(':')[0])).toEqual([
      'Date',
      'Server',
      'Content-Length',
      'Keep-Alive',
      'Connection',
      'Content-Type',
    ])
    expect(apache).toContain('Connection: Keep-Alive')
    const closing = await headerNames(
      'Apache/2.4.62 (Debian)',
      'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    )
    expect(closing).toContain('Connection: close')
    expect(closing.some((line) => line.startsWith('Keep-Alive'))).toBe(false)
  })
})

describe('https emulator', () => {
  it('serves a supplied tls_cert/tls_key and records plain-text probes of the TLS port', async () => {
    const { selfSignedIdentity } = await import('../src/framework/tls.ts')
    const { seededRandom } = await import('../src/framework/random.ts')
    const identity = await selfSignedIdentity('given.example', seededRandom('cert'))
    const web = await startTestEmulator('https', {
      config: { tls_cert: identity.cert, tls_key: identity.key },
    })
    try {
      const subject = await new Promise<string>((resolve, reject) => {
        const socket = tlsConnect({ host: web.host, port: web.port, rejectUnauthorized: false }, () => {
          resolve(socket.getPeerX509Certificate()?.subject ?? '')
          socket.destroy()
        })
        socket.on('error', reject)
      })
      expect(subject).toBe('CN=given.example')
      const raw = await rawClient(web.host, web.port)
      raw.send('GET / HTTP/1.0\r\n\r\n')
      await raw.closed
      const scan = await web.waitFor((e) => e.event === 'scan')
      expect(scan.fields.reason).toBe('tls_handshake_failed')
    } finally {
      await web.running.close()
    }
  })

  it('uses tls_cn, custom_body and response_code', async () => {
    const web = await startTestEmulator('https', {
      config: { tls_cn: 'intranet.corp.example', custom_body: 'maintenance', response_code: 503 },
    })
    try {
      const result = await new Promise<{ status: number; body: string; subject: string }>(
        (resolve, reject) => {
          const req = httpsRequest(
            { host: web.host, port: web.port, path: '/status', rejectUnauthorized: false },
            (res) => {
              let body = ''
              const subject = (res.socket as TLSSocket).getPeerX509Certificate()?.subject ?? ''
              res.on('data', (chunk: Buffer) => {
                body += chunk.toString()
              })
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body, subject }))
            },
          )
          req.on('error', reject)
          req.end()
        },
      )
      expect(result).toEqual({ status: 503, body: 'maintenance', subject: 'CN=intranet.corp.example' })
    } finally {
      await web.running.close()
    }
  })

  for (const [app, path, form, expectedUser] of [
    ['phpmyadmin', '/index.php', 'pma_username=root&pma_password=toor&server=1', 'root'],
    ['jenkins', '/j_spring_security_check', 'j_username=jenkins&j_password=jenkins123&from=', 'jenkins'],
  ] as const) {
    it(`${app} skin shows its login page and captures the POST`, async () => {
      const web = await startTestEmulator('http', { config: { fake_app: app } })
      try {
        const loginPath = app === 'jenkins' ? '/login' : '/'
        const page = await (await fetch(`http://${web.host}:${web.port}${loginPath}`)).text()
        expect(page).toContain(app === 'jenkins' ? 'name="j_password"' : 'name="pma_password"')
        await fetch(`http://${web.host}:${web.port}${path}`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: form,
        })
        const event = await web.waitFor((e) => e.event === 'auth_attempt')
        expect(event.fields).toMatchObject({ username: expectedUser, fake_app: app })
      } finally {
        await web.running.close()
      }
    })
  }

  it('tomcat skin asks for Basic auth on the manager', async () => {
    const web = await startTestEmulator('http', { config: { fake_app: 'tomcat' } })
    try {
      const response = await fetch(`http://${web.host}:${web.port}/manager/html`)
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="Tomcat Manager Application"')
      expect(await (await fetch(`http://${web.host}:${web.port}/`)).text()).toMatch(
        /Apache Tomcat\/9\.0\.\d+/,
      )
    } finally {
      await web.running.close()
    }
  })
})
