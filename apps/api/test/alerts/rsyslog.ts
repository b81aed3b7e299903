// A real rsyslog (Debian's rsyslogd) for the syslog channel tests: a child process with its own
// working directory and config, listening on loopback over UDP, TCP, TLS (server-only auth) and TLS
// that requires a client certificate, writing every message it parsed to one file in RFC 5424 form.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../support/ports.ts'
import { eventually } from '../support/wait.ts'

const HOST_CERTS = fileURLToPath(new URL('../../../../scripts/host-certs.sh', import.meta.url))

export interface TestCa {
  ca: string
  serverCert: string
  serverKey: string
  clientCert: string
  clientKey: string
}

/** A CA with a server certificate for 127.0.0.1 and a client certificate (openssl, as hosts use). */
export function makeTestCa(dir: string): TestCa {
  execFileSync('bash', [HOST_CERTS, dir, '127.0.0.1'], { stdio: 'ignore' })
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8')
  return {
    ca: read('ca.pem'),
    serverCert: read('server-cert.pem'),
    serverKey: read('server-key.pem'),
    clientCert: read('client-cert.pem'),
    clientKey: read('client-key.pem'),
  }
}

export class Rsyslog {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'decnet-rsyslog-'))
  readonly received = path.join(this.dir, 'received.log')
  readonly certs: TestCa
  ports = { udp: 0, tcp: 0, tls: 0, mtls: 0 }
  private child: ChildProcess | null = null
  private stderr = ''

  constructor() {
    this.certs = makeTestCa(path.join(this.dir, 'tls'))
  }

  async start(): Promise<void> {
    if (this.ports.tcp === 0) {
      this.ports = {
        udp: await freePort(),
        tcp: await freePort(),
        tls: await freePort(),
        mtls: await freePort(),
      }
    }
    const tlsDir = path.join(this.dir, 'tls')
    const tlsInput = (port: number, authMode: string) =>
      `input(type="imtcp" address="127.0.0.1" port="${port}" ruleset="alerts" ` +
      `streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="${authMode}")`
    const conf = path.join(this.dir, 'rsyslog.conf')
    writeFileSync(
      conf,
      [
        `global(workDirectory="${this.dir}"`,
        `  defaultNetstreamDriverCAFile="${tlsDir}/ca.pem"`,
        `  defaultNetstreamDriverCertFile="${tlsDir}/server-cert.pem"`,
        `  defaultNetstreamDriverKeyFile="${tlsDir}/server-key.pem")`,
        'module(load="imudp")',
        'module(load="imtcp")',
        // RSYSLOG_SyslogProtocol23Format rebuilds RFC 5424 from the fields rsyslog parsed.
        `ruleset(name="alerts") { action(type="omfile" file="${this.received}" template="RSYSLOG_SyslogProtocol23Format") }`,
        `input(type="imudp" address="127.0.0.1" port="${this.ports.udp}" ruleset="alerts")`,
        `input(type="imtcp" address="127.0.0.1" port="${this.ports.tcp}" ruleset="alerts")`,
        tlsInput(this.ports.tls, 'anon'),
        tlsInput(this.ports.mtls, 'x509/certvalid'),
        '',
      ].join('\n'),
    )
    const child = spawn('rsyslogd', ['-n', '-f', conf, '-i', path.join(this.dir, 'rsyslogd.pid')], {
      cwd: this.dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString()
    })
    this.child = child
    for (const port of [this.ports.tcp, this.ports.tls, this.ports.mtls]) {
      await eventually(
        () => accepts(port),
        (ok) => ok || child.exitCode !== null,
        `rsyslog listening on ${port}`,
      )
      if (child.exitCode !== null) throw new Error(`rsyslogd exited ${child.exitCode}: ${this.stderr}`)
    }
  }

  /** Stops rsyslogd and waits for it to exit (its connections close with it). */
  async stop(): Promise<void> {
    const child = this.child
    this.child = null
    if (!child || child.exitCode !== null) return
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref()
    })
  }

  /** The complete lines written so far: rsyslog's file output may be caught mid-line. */
  lines(): string[] {
    let text: string
    try {
      text = readFileSync(this.received, 'utf8')
    } catch {
      return []
    }
    return text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter(Boolean)
  }

  /** Waits for the line whose structured data carries this idempotency key. */
  lineFor(idempotencyKey: string): Promise<string> {
    return eventually(
      async () => this.lines().find((l) => l.includes(`idempotencyKey="${idempotencyKey}"`)),
      (line) => line !== undefined,
      `rsyslog to write the alert ${idempotencyKey}`,
    ) as Promise<string>
  }

  async dispose(): Promise<void> {
    await this.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

export interface Rfc5424Line {
  pri: number
  version: number
  timestamp: string
  hostname: string
  appName: string
  procId: string
  msgId: string
  structuredData: Record<string, Record<string, string>>
  msg: string
}

/** A strict RFC 5424 parser for one line (SD-PARAM escapes undone), failing on any deviation. */
export function parseRfc5424(line: string): Rfc5424Line {
  const header = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(line)
  if (!header) throw new Error(`not an RFC 5424 header: ${line}`)
  let i = header[0].length
  const structuredData: Record<string, Record<string, string>> = {}
  if (line[i] === '-') i += 1
  else {
    while (line[i] === '[') {
      const idEnd = line.indexOf(' ', i)
      const id = line.slice(i + 1, idEnd)
      const params: Record<string, string> = {}
      i = idEnd
      while (line[i] === ' ') {
        const eq = line.indexOf('=', i)
        const name = line.slice(i + 1, eq)
        if (line[eq + 1] !== '"') throw new Error(`unquoted SD-PARAM ${name}`)
        let value = ''
        let j = eq + 2
        for (; line[j] !== '"'; j++) {
          if (j >= line.length) throw new Error(`unterminated SD-PARAM ${name}`)
          if (line[j] === '\\' && ['"', '\\', ']'].includes(line[j + 1]!)) j += 1
          else if (line[j] === ']') throw new Error(`unescaped ] in SD-PARAM ${name}`)
          value += line[j]
        }
        params[name] = value
        i = j + 1
      }
      if (line[i] !== ']') throw new Error(`SD-ELEMENT ${id} not closed at ${i}`)
      structuredData[id] = params
      i += 1
    }
  }
  if (line[i] !== undefined && line[i] !== ' ') throw new Error(`no space after SD at ${i}`)
  return {
    pri: Number(header[1]),
    version: Number(header[2]),
    timestamp: header[3]!,
    hostname: header[4]!,
    appName: header[5]!,
    procId: header[6]!,
    msgId: header[7]!,
    structuredData,
    msg: line.slice(i + 1),
  }
}
