import { execFile } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { promisify } from 'node:util'
import { derivePersona, seedFromName } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import { tlsOptionsFor } from '../src/framework/tls.ts'
import { filetimeHex } from '../src/protocols-text/http/servers.ts'
import { closeStartedAfterEach, rawClient } from './helpers.ts'
import { startWithPersona } from './web-helpers.ts'
import { type PersonaKind, testPersona } from './web-persona-fixture.ts'

closeStartedAfterEach()
const run = promisify(execFile)
const SEED_A = '0123456789abcdef0123456789abcdef'
const SEED_B = 'fedcba9876543210fedcba9876543210'

/** `curl -sv` of a URL: status line and header lines as curl printed them, and the body. */
async function curl(url: string, ...args: string[]) {
  const { stdout, stderr } = await run('curl', ['-sv', '--max-time', '20', '-k', ...args, url], {
    maxBuffer: 1 << 22,
  })
  const head = stderr
    .split('\n')
    .filter((line) => line.startsWith('< '))
    .map((line) => line.slice(2).replace(/\r$/, ''))
    .filter(Boolean)
  return { status: head[0] ?? '', headers: head.slice(1), body: stdout }
}

/** Sends raw bytes and reads until the server closes (or `until` matches). */
async function raw(host: string, port: number, request: string | Buffer, until?: RegExp) {
  const client = await rawClient(host, port)
  client.send(request)
  const text = until ? await client.expect(until) : await client.closed.then(() => client.received)
  client.close()
  return text
}

const header = (headers: string[], name: string) =>
  headers.find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.replace(/^[^:]+:\s*/, '')

async function web(kind: PersonaKind, seed = SEED_A, slug = 'http') {
  return startWithPersona(slug, testPersona(kind, seed))
}

describe('Apache on Debian', () => {
  it('serves the full-size Debian default page with Apache validators and keep-alive headers', async () => {
    // Tell: Node answered with its own header set and `Keep-Alive: timeout=5` (no max, no ETag).
    const apache = await web('debian-apache')
    const { status, headers, body } = await curl(`http://${apache.host}:${apache.port}/`)
    expect(status).toBe('HTTP/1.1 200 OK')
    expect(headers.map((line) => line.split(':')[0])).toEqual([
      'Date',
      'Server',
      'Last-Modified',
      'ETag',
      'Accept-Ranges',
      'Content-Length',
      'Vary',
      'Keep-Alive',
      'Connection',
      'Content-Type',
    ])
    expect(header(headers, 'Server')).toBe('Apache/2.4.62 (Debian)')
    expect(header(headers, 'Keep-Alive')).toBe('timeout=5, max=100')
    expect(header(headers, 'Connection')).toBe('Keep-Alive')
    expect(Buffer.byteLength(body)).toBe(10701)
    expect(body).toContain('<title>Apache2 Debian Default Page: It works</title>')
    // Apache's ETag: "<size hex>-<mtime in µs hex>", the mtime being Last-Modified.
    const [, size, micros] = /^"([0-9a-f]+)-([0-9a-f]+)"$/.exec(header(headers, 'ETag') ?? '') ?? []
    expect(size).toBe('29cd')
    expect(Math.floor(Number.parseInt(micros ?? '0', 16) / 1e6)).toBe(
      Date.parse(header(headers, 'Last-Modified') ?? '') / 1000,
    )
    // The page was installed before the machine booted.
    expect(Date.parse(header(headers, 'Last-Modified') ?? '')).toBeLessThan(
      testPersona('debian-apache').bootTime * 1000,
    )
    expect(Math.abs(Date.parse(header(headers, 'Date') ?? '') - Date.now())).toBeLessThan(60_000)
  })

  it('counts Keep-Alive max down on one connection, as Apache does', async () => {
    // Tell: a constant keep-alive header on every response of a connection.
    const apache = await web('debian-apache')
    const text = await raw(
      apache.host,
      apache.port,
      'HEAD / HTTP/1.1\r\nHost: a\r\n\r\nHEAD / HTTP/1.1\r\nHost: a\r\n\r\n',
      /max=99[\s\S]*\r\n\r\n/,
    )
    expect(text).toMatch(/max=100[\s\S]*max=99/)
  })

  it('answers malformed requests with its own 400 page, Server header and signature', async () => {
    // Tell: Node answered `HTTP/1.1 400 Bad Request` + `Connection: close`, no Server, no body.
    const apache = await web('debian-apache')
    for (const request of [
      'GET / HTTP/1.1\r\n\r\n',
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x0d, 0x0a, 0x0d, 0x0a]),
    ]) {
      const text = await raw(apache.host, apache.port, request)
      const [head = '', body = ''] = text.split('\r\n\r\n')
      expect(head.split('\r\n')).toEqual([
        'HTTP/1.1 400 Bad Request',
        expect.stringMatching(/^Date: \w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT$/),
        'Server: Apache/2.4.62 (Debian)',
        `Content-Length: ${Buffer.byteLength(body)}`,
        'Connection: close',
        'Content-Type: text/html; charset=iso-8859-1',
      ])
      expect(body).toContain(
        '<p>Your browser sent a request that this server could not understand.<br />\n</p>',
      )
      expect(body).toContain(
        `<address>Apache/2.4.62 (Debian) Server at ${testPersona('debian-apache', SEED_A).hostname}.acme.local Port ${apache.port}</address>`,
      )
    }
    const scan = await apache.waitFor((e) => e.event === 'scan' && e.fields.error === 'missing_host')
    expect(scan.fields.reason).toBe('malformed_http')
  })

  it('answers OPTIONS with Allow and no page, unknown methods with 501, HTTP/0.9 with a bare body', async () => {
    // Tell: OPTIONS returned the whole page; unknown methods were refused by Node's parser.
    const apache = await web('debian-apache')
    const options = await curl(`http://${apache.host}:${apache.port}/`, '-X', 'OPTIONS')
    expect(options.status).toBe('HTTP/1.1 200 OK')
    expect(header(options.headers, 'Allow')).toBe('GET,POST,OPTIONS,HEAD')
    expect(header(options.headers, 'Content-Length')).toBe('0')
    expect(options.body).toBe('')
    const unknown = await raw(apache.host, apache.port, 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(unknown).toMatch(/^HTTP\/1\.1 501 Not Implemented\r\n/)
    expect(unknown).toContain('<p>FOO not supported for current URL.<br />')
    const simple = await raw(apache.host, apache.port, 'GET /\r\n')
    expect(simple.startsWith('<!DOCTYPE html PUBLIC')).toBe(true)
  })
})

describe('nginx', () => {
  it('serves its welcome page with nginx header order, ETag "<mtime hex>-<size hex>" and no Keep-Alive header', async () => {
    // Tell: `Keep-Alive: timeout=5` (Node) where nginx sends only `Connection: keep-alive`.
    const nginx = await web('debian-nginx')
    const { status, headers, body } = await curl(`http://${nginx.host}:${nginx.port}/`)
    expect(status).toBe('HTTP/1.1 200 OK')
    expect(headers.map((line) => line.split(':')[0])).toEqual([
      'Server',
      'Date',
      'Content-Type',
      'Content-Length',
      'Last-Modified',
      'Connection',
      'ETag',
      'Accept-Ranges',
    ])
    expect(header(headers, 'Connection')).toBe('keep-alive')
    expect(Buffer.byteLength(body)).toBe(615)
    const mtime = Date.parse(header(headers, 'Last-Modified') ?? '') / 1000
    expect(header(headers, 'ETag')).toBe(`"${mtime.toString(16)}-267"`)
  })

  it('refuses OPTIONS with 405 Not Allowed and malformed requests with its 400 page', async () => {
    // Tell: OPTIONS returned the page; malformed requests got Node's bare 400.
    const nginx = await web('debian-nginx')
    const options = await curl(`http://${nginx.host}:${nginx.port}/`, '-X', 'OPTIONS')
    expect(options.status).toBe('HTTP/1.1 405 Not Allowed')
    expect(options.body).toContain('<hr><center>nginx/1.22.1</center>')
    const bad = await raw(nginx.host, nginx.port, 'GET / HTTP/1.1\r\n\r\n')
    expect(bad).toBe(
      `HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\nDate: ${/Date: ([^\r]+)/.exec(bad)?.[1]}\r\nContent-Type: text/html\r\nContent-Length: 157\r\nConnection: close\r\n\r\n<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n`,
    )
  })
})

describe('IIS', () => {
  it('serves iisstart.htm with IIS header order and a FILETIME ETag', async () => {
    // Tell: a Linux-style server answering on a Windows persona.
    const iis = await web('windows-2019')
    const { headers, body } = await curl(`http://${iis.host}:${iis.port}/`)
    expect(headers.map((line) => line.split(':')[0])).toEqual([
      'Content-Type',
      'Last-Modified',
      'Accept-Ranges',
      'ETag',
      'Server',
      'X-Powered-By',
      'Date',
      'Content-Length',
    ])
    expect(header(headers, 'Server')).toBe('Microsoft-IIS/10.0')
    expect(Buffer.byteLength(body)).toBe(703)
    expect(body).toContain('<title>IIS Windows Server</title>')
    // The FILETIME is finer than Last-Modified's second: the ETag is one of that second's FILETIMEs.
    const second = Date.parse(header(headers, 'Last-Modified') ?? '')
    const candidates = Array.from({ length: 1000 }, (_, ms) => `"${filetimeHex(second + ms)}:0"`)
    expect(candidates).toContain(header(headers, 'ETag'))
  })

  it('lets HTTP.sys answer malformed requests (Microsoft-HTTPAPI/2.0) and answers OPTIONS with Allow/Public', async () => {
    // Tell: Node's bare 400 where HTTP.sys sends its own page and Server header.
    const iis = await web('windows-2019')
    const noHost = await raw(iis.host, iis.port, 'GET / HTTP/1.1\r\n\r\n')
    expect(noHost).toMatch(
      /^HTTP\/1\.1 400 Bad Request\r\nContent-Type: text\/html; charset=us-ascii\r\nServer: Microsoft-HTTPAPI\/2\.0\r\nDate: [^\r]+\r\nConnection: close\r\nContent-Length: 334\r\n\r\n/,
    )
    expect(noHost).toContain(
      '<h2>Bad Request - Invalid Hostname</h2>\r\n<hr><p>HTTP Error 400. The request hostname is invalid.</p>',
    )
    const garbage = await raw(
      iis.host,
      iis.port,
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x0d, 0x0a, 0x0d, 0x0a]),
    )
    expect(garbage).toMatch(
      /Content-Length: 311\r\n\r\n[\s\S]*HTTP Error 400\. The request is badly formed\./,
    )
    const options = await curl(`http://${iis.host}:${iis.port}/`, '-X', 'OPTIONS')
    expect(header(options.headers, 'Allow')).toBe('OPTIONS, TRACE, GET, HEAD, POST')
    expect(header(options.headers, 'Public')).toBe('OPTIONS, TRACE, GET, HEAD, POST')
    const missing = await curl(`http://${iis.host}:${iis.port}/nope`)
    expect(missing.status).toBe('HTTP/1.1 404 Not Found')
    expect(Buffer.byteLength(missing.body)).toBe(1245)
  })
})

describe('Rocky Apache', () => {
  it('shows the HTTP Server Test Page with 403, without a server signature', async () => {
    // Tell: a Debian "It works" page under a Rocky Server header.
    const rocky = await web('rocky-apache')
    const { status, headers, body } = await curl(`http://${rocky.host}:${rocky.port}/`)
    expect(status).toBe('HTTP/1.1 403 Forbidden')
    expect(header(headers, 'Server')).toBe('Apache/2.4.62 (Rocky Linux)')
    expect(body).toContain('<title>HTTP Server Test Page powered by: Rocky Linux</title>')
    const missing = await curl(`http://${rocky.host}:${rocky.port}/nope`)
    expect(missing.body).not.toContain('<address>')
  })
})

describe('JSON APIs', () => {
  it('k8s: a fresh Audit-Id per request, Go header order, version from the persona', async () => {
    // Tell: one Audit-Id on every request of every decky.
    const k8s = await startWithPersona('k8s', testPersona('debian-apache', SEED_A), { ports: [0, 0] })
    const plain = k8s.running.ports[1] as number
    const first = await curl(`http://${k8s.host}:${plain}/version`)
    const second = await curl(`http://${k8s.host}:${plain}/version`)
    const auditIds = [header(first.headers, 'Audit-Id'), header(second.headers, 'Audit-Id')]
    expect(auditIds[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(auditIds[0]).not.toBe(auditIds[1])
    expect(first.headers.map((line) => line.split(':')[0])).toEqual([
      'Audit-Id',
      'Cache-Control',
      'Content-Type',
      'X-Kubernetes-Pf-Flowschema-Uid',
      'X-Kubernetes-Pf-Prioritylevel-Uid',
      'Date',
      'Content-Length',
    ])
    expect(JSON.parse(first.body)).toMatchObject({ gitVersion: 'v1.28.15', minor: '28' })
    expect(first.body.startsWith('{\n  "major": "1",\n')).toBe(true)
    // Go's own answer to a request it cannot parse.
    expect(await raw(k8s.host, plain, 'GET / HTTP/1.1\r\n\r\n')).toBe(
      'HTTP/1.1 400 Bad Request: missing required Host header\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: missing required Host header',
    )
    // The TLS port shows a kubeadm-style chain: kube-apiserver issued by the `kubernetes` CA.
    const { stdout } = await run('sh', [
      '-c',
      `echo | openssl s_client -connect ${k8s.host}:${k8s.port} 2>/dev/null | openssl x509 -noout -subject -issuer`,
    ])
    expect(stdout).toContain('subject=CN = kube-apiserver')
    expect(stdout).toContain('issuer=CN = kubernetes')
  })

  it('docker: engine id, name, kernel and OS from the persona', async () => {
    // Tell: Docker reported facts contradicting the host's other services.
    const persona = testPersona('debian-apache', SEED_A)
    const docker = await startWithPersona('docker_api', persona)
    const info = JSON.parse((await curl(`http://${docker.host}:${docker.port}/info`)).body) as Record<
      string,
      unknown
    >
    expect(info).toMatchObject({
      Name: persona.hostname,
      KernelVersion: persona.os.kernel,
      OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
      NCPU: persona.hardware.cpuCores,
      ServerVersion: '20.10.24',
    })
    expect(info.ID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('elasticsearch: node named after the host, pretty root banner, lower-case Netty headers', async () => {
    // Tell: the node name and cluster id were the same invented values on every decky.
    const persona = testPersona('debian-apache', SEED_A)
    const es = await startWithPersona('elasticsearch', persona)
    const root = await curl(`http://${es.host}:${es.port}/`)
    expect(root.headers).toEqual([
      'X-elastic-product: Elasticsearch',
      'content-type: application/json; charset=UTF-8',
      `content-length: ${Buffer.byteLength(root.body)}`,
    ])
    expect(root.body).toContain(`"name" : "${persona.hostname}"`)
    expect(JSON.parse(root.body)).toMatchObject({
      version: { number: '7.17.25' },
      tagline: 'You Know, for Search',
    })
  })
})

describe('twins', () => {
  it('two personas of one kind differ in ETags, certificate keys and serials, and cluster ids', async () => {
    // Tell: values readable from outside that were identical on every decky.
    const etag = async (seed: string) => {
      const server = await web('debian-apache', seed)
      return header((await curl(`http://${server.host}:${server.port}/`, '-I')).headers, 'ETag')
    }
    expect(await etag(SEED_A)).not.toBe(await etag(SEED_B))
    const certificate = async (seed: string) =>
      new X509Certificate((await tlsOptionsFor(testPersona('debian-apache', seed), 'https')).cert)
    const [a, b] = [await certificate(SEED_A), await certificate(SEED_B)]
    expect(a.serialNumber).not.toBe(b.serialNumber)
    expect(
      a.publicKey
        .export({ format: 'der', type: 'spki' })
        .equals(b.publicKey.export({ format: 'der', type: 'spki' })),
    ).toBe(false)
    const clusterUuid = async (seed: string) => {
      const es = await startWithPersona('elasticsearch', testPersona('debian-apache', seed))
      return (JSON.parse((await curl(`http://${es.host}:${es.port}/`)).body) as { cluster_uuid: string })
        .cluster_uuid
    }
    expect(await clusterUuid(SEED_A)).not.toBe(await clusterUuid(SEED_B))
    // …and one persona keeps its key and serial across restarts (a real server keeps them on disk).
    expect((await certificate(SEED_A)).serialNumber).toBe(a.serialNumber)
  })
})

describe('TLS per claimed build', () => {
  const handshake = async (host: string, port: number, flag: string) => {
    const { stdout } = await run('sh', [
      '-c',
      `echo | timeout 10 openssl s_client -connect ${host}:${port} ${flag} -cipher 'DEFAULT:@SECLEVEL=0' 2>&1 || true`,
    ])
    return /New, (TLSv[\d.]+), Cipher is/.exec(stdout)?.[1] ?? 'refused'
  }

  it('build 9600 has no TLS 1.3 but TLS 1.0; Debian 12 has 1.3 and no 1.1; certificates look issued', async () => {
    // Tell: build 9600 negotiated TLS 1.3; every certificate was a 10-year self-signed one.
    const windows = await web('windows-2012r2', SEED_A, 'https')
    expect(await handshake(windows.host, windows.port, '-tls1_3')).toBe('refused')
    expect(await handshake(windows.host, windows.port, '-tls1_2')).toBe('TLSv1.2')
    expect(await handshake(windows.host, windows.port, '-tls1')).toBe('TLSv1.0')
    const debian = await web('debian-apache', SEED_A, 'https')
    expect(await handshake(debian.host, debian.port, '-tls1_3')).toBe('TLSv1.3')
    expect(await handshake(debian.host, debian.port, '-tls1_1')).toBe('refused')

    const { stdout } = await run('sh', [
      '-c',
      `echo | openssl s_client -connect ${windows.host}:${windows.port} -showcerts 2>/dev/null | openssl x509 -noout -issuer -subject -startdate -enddate`,
    ])
    expect(stdout).toMatch(/issuer=DC = local, DC = acme, CN = ACME-[A-Z0-9-]+-CA/)
    const start = Date.parse(/notBefore=(.*)/.exec(stdout)?.[1] ?? '')
    const end = Date.parse(/notAfter=(.*)/.exec(stdout)?.[1] ?? '')
    expect(end - start).toBe(365 * 86_400_000)
    expect(start).toBeLessThan(Date.now())
    expect(end).toBeGreaterThan(Date.now())

    const rdp = new X509Certificate((await tlsOptionsFor(testPersona('windows-2019', SEED_A), 'rdp')).cert)
    expect(rdp.issuer).toBe(rdp.subject)
    expect(Date.parse(rdp.validTo) - Date.parse(rdp.validFrom)).toBe(182 * 86_400_000)
    expect(Date.parse(rdp.validFrom)).toBeLessThan(Date.now())
  })
})

describe('nmap -sV', () => {
  it('names the product and version each persona claims', { timeout: 300_000 }, async () => {
    // Tell: nmap fingerprinted the Node HTTP stack, not the claimed server.
    const apache = await web('debian-apache', SEED_A)
    const apacheTls = await startWithPersona('https', testPersona('debian-apache', SEED_A), {
      host: apache.host,
    })
    const nginx = await web('debian-nginx', SEED_B)
    const iis = await web('windows-2019', SEED_B)
    // nmap's Docker signature is tied to its port, 2375.
    const docker = await startWithPersona('docker_api', testPersona('debian-apache', SEED_A), {
      host: apache.host,
      ports: [2375],
    })
    const scan = async (host: string, ports: number[]) => {
      const { stdout } = await run('nmap', ['-sV', '-Pn', '-n', '-p', ports.join(','), host], {
        timeout: 280_000,
      })
      return stdout
    }
    const cisco = await startWithPersona(
      'http',
      derivePersona({
        seed: seedFromName('web-cisco'),
        osFamily: 'cisco',
        distro: 'debian',
        nowMs: Date.now(),
      }),
    )
    const [apacheOut, nginxOut, iisOut, ciscoOut] = await Promise.all([
      scan(apache.host, [apache.port, apacheTls.port, docker.port]),
      scan(nginx.host, [nginx.port]),
      scan(iis.host, [iis.port]),
      scan(cisco.host, [cisco.port]),
    ])
    expect(ciscoOut).toMatch(new RegExp(`${cisco.port}/tcp\\s+open\\s+http\\s+Cisco IOS http config`))
    expect(apacheOut).toMatch(
      new RegExp(`${apache.port}/tcp\\s+open\\s+http\\s+Apache httpd 2\\.4\\.62 \\(\\(Debian\\)\\)`),
    )
    expect(apacheOut).toMatch(
      new RegExp(`${apacheTls.port}/tcp\\s+open\\s+ssl/http\\s+Apache httpd 2\\.4\\.62 \\(\\(Debian\\)\\)`),
    )
    expect(apacheOut).toMatch(new RegExp(`${docker.port}/tcp\\s+open\\s+docker\\s+Docker 20\\.10\\.24`))
    expect(nginxOut).toMatch(new RegExp(`${nginx.port}/tcp\\s+open\\s+http\\s+nginx 1\\.22\\.1`))
    expect(iisOut).toMatch(new RegExp(`${iis.port}/tcp\\s+open\\s+http\\s+Microsoft IIS httpd 10\\.0`))
    for (const out of [apacheOut, nginxOut, iisOut, ciscoOut]) expect(out).not.toContain('unrecognized')
  })
})

describe('HTTP framing', () => {
  it('reads chunked and Expect: 100-continue bodies and pipelined requests, records each', async () => {
    // Tell: none as such; the parser replacing node:http must still read every body a client sends.
    const apache = await web('debian-apache')
    const base = `http://${apache.host}:${apache.port}`
    await curl(`${base}/chunked`, '-H', 'Transfer-Encoding: chunked', '--data-binary', 'log=chunky&pwd=bacon')
    const chunked = await apache.waitFor((e) => e.event === 'request' && e.fields.path === '/chunked')
    expect(chunked.fields).toMatchObject({ method: 'POST', body: 'log=chunky&pwd=bacon', body_bytes: 20 })
    const big = 'x'.repeat(5000)
    const continued = await curl(`${base}/continue`, '-H', 'Expect: 100-continue', '--data-binary', big)
    expect(continued.status).toBe('HTTP/1.1 100 Continue')
    const event = await apache.waitFor((e) => e.event === 'request' && e.fields.path === '/continue')
    expect(event.fields.body_bytes).toBe(5000)
    const pipelined = await raw(
      apache.host,
      apache.port,
      'GET /one HTTP/1.1\r\nHost: a\r\n\r\nGET /two HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    )
    expect(pipelined.match(/HTTP\/1\.1 404 Not Found/g)).toHaveLength(2)
    await apache.waitFor((e) => e.event === 'request' && e.fields.path === '/two')
  })
})

describe('request bodies per server', () => {
  it('nginx refuses bodies over client_max_body_size (1 MiB) with its 413 page', async () => {
    // Tell: every server took any body up to the framework's own cap.
    const nginx = await web('debian-nginx')
    const text = await raw(
      nginx.host,
      nginx.port,
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n',
    )
    expect(text).toMatch(/^HTTP\/1\.1 413 Request Entity Too Large\r\nServer: nginx\/1\.22\.1\r\n/)
    expect(text).toContain('<hr><center>nginx/1.22.1</center>')
  })
})
