// Everything readable from outside one decky, as (service, field, value) facts: nmap's script output
// plus a few direct reads (TLS certificates, the SMB2 negotiate, the shell over SSH). The twins test
// diffs facts between two deckies; the consistency test reads the claims among them (OS, kernel/build,
// hostname, domain, time, boot time) and holds them against the persona.
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { connect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { promisify } from 'node:util'
import { sshpassArgs } from '../../../../decoys/test/support/ssh-client.ts'
import type { DeckySpec } from '../../../src/index.ts'
import type { NmapHost } from './nmap.ts'
import { smbFacts } from './smb.ts'

const execFileAsync = promisify(execFile)

export type ClaimKind = 'os' | 'kernel' | 'build' | 'hostname' | 'domain' | 'time' | 'boot' | 'mac'

export type Fact = {
  /** Service slug the fact came from (`tcp/port` when no service of the decky owns the port). */
  service: string
  /** What was read: `ssh-hostkey`, `cert.serial`, `shell.machine-id` … */
  field: string
  value: string
  /** Set when the fact states something the persona decides (see consistency). */
  claim?: ClaimKind
  /** When a clock was read directly (epoch ms): a live clock must be close to it, not just to the run. */
  readAtMs?: number
  /** The clock is printed in the machine's local time: its UTC offset must be the persona zone's. */
  localTime?: true
}

/** nmap scripts the single scan runs, for twins and consistency (all in nmap's `safe` category). */
export const NMAP_SCRIPTS = [
  'banner',
  'ssh-hostkey',
  'smb2-time',
  'smb-protocols',
  'rdp-ntlm-info',
  'ldap-rootdse',
  'snmp-sysdescr',
  'snmp-info',
  'mysql-info',
  'redis-info',
  'docker-version',
  'http-headers',
  'smtp-commands',
  'ftp-syst',
  'mqtt-subscribe',
  'modbus-discover',
  'nbstat',
] as const

/** `key: value` lines of an NSE output (indented tables flattened; repeated keys joined with ` | `). */
export function scriptFields(output: string): Map<string, string> {
  const fields = new Map<string, string>()
  for (const line of output.split('\n')) {
    const match = /^\s*([A-Za-z$][\w$ ./()%-]*?):\s+(.*\S)\s*$/.exec(line)
    if (!match) continue
    const [, key = '', value = ''] = match
    const previous = fields.get(key)
    fields.set(key, previous === undefined ? value : `${previous} | ${value}`)
  }
  return fields
}

/** The service slug owning a port of the decky. */
export function serviceOfPort(spec: DeckySpec, protocol: 'tcp' | 'udp', port: number): string | undefined {
  return spec.services.find((s) => s.ports.some((p) => p.port === port && p.protocol === protocol))?.slug
}

/** Which script field states which claim. Values are kept raw; consistency.ts normalises them. */
const SCRIPT_CLAIMS: Record<string, Record<string, ClaimKind>> = {
  'smb2-time': { date: 'time', start_date: 'boot' },
  'rdp-ntlm-info': {
    NetBIOS_Computer_Name: 'hostname',
    DNS_Computer_Name: 'hostname',
    NetBIOS_Domain_Name: 'domain',
    DNS_Domain_Name: 'domain',
    Product_Version: 'build',
    System_Time: 'time',
  },
  'ldap-rootdse': {
    dnsHostName: 'hostname',
    defaultNamingContext: 'domain',
    currentTime: 'time',
    domainControllerFunctionality: 'build',
  },
  'redis-info': { 'Operating System': 'kernel' },
  'docker-version': { KernelVersion: 'kernel', Os: 'os' },
  'ftp-syst': { SYST: 'os' },
  'http-headers': { Date: 'time' },
}

/** Facts from nmap's report of one host: -sV lines and every script's fields. */
export function nmapFacts(spec: DeckySpec, host: NmapHost): Fact[] {
  const facts: Fact[] = []
  if (host.mac) facts.push({ service: 'host', field: 'mac', value: host.mac, claim: 'mac' })
  if (host.macVendor) facts.push({ service: 'host', field: 'mac vendor', value: host.macVendor })
  for (const port of host.ports) {
    if (port.state !== 'open' && port.state !== 'open|filtered') continue
    const service = serviceOfPort(spec, port.protocol, port.port) ?? `${port.protocol}/${port.port}`
    const where = `${port.protocol}/${port.port}`
    if (port.service?.ostype)
      facts.push({ service, field: `${where} -sV ostype`, value: port.service.ostype, claim: 'os' })
    if (port.service?.hostname)
      facts.push({ service, field: `${where} -sV hostname`, value: port.service.hostname, claim: 'hostname' })
    for (const [script, output] of Object.entries(port.scripts)) {
      // fingerprint-strings is the raw data of an unrecognized service: the nmap test reports it.
      if (script === 'fingerprint-strings' || /^ERROR|^\s*$/.test(output)) continue
      facts.push(...scriptFacts(service, `${where} ${script}`, script, output))
    }
  }
  for (const [script, output] of Object.entries(host.hostScripts)) {
    const service = script.startsWith('smb') ? 'smb' : script === 'nbstat' ? 'nbns' : 'host'
    facts.push(...scriptFacts(service, script, script, output))
  }
  return facts
}

function scriptFacts(service: string, prefix: string, script: string, output: string): Fact[] {
  const facts: Fact[] = []
  switch (script) {
    case 'banner': {
      // nmap wraps long banners with newlines of its own.
      const banner = output.replace(/\n/g, '').trim()
      facts.push({ service, field: `${prefix}`, value: banner })
      // A telnet login prompt names the host (`debian login:`).
      const login = /(?:^|\\x0A)([\w.-]+) login:/.exec(banner)?.[1]
      if (login && service === 'telnet')
        facts.push({ service, field: `${prefix} login prompt`, value: login, claim: 'hostname' })
      // An SMTP greeting names the host and carries the clock.
      const smtp = /^220[ -](\S+)\s.*?(\w{3}, +\d+ \w{3} \d{4} [\d:]+ [+-]\d{4})?\s*$/.exec(banner)
      if (smtp?.[1] && service.startsWith('smtp')) {
        facts.push({ service, field: `${prefix} hostname`, value: smtp[1], claim: 'hostname' })
        if (smtp[2])
          facts.push({ service, field: `${prefix} date`, value: smtp[2], claim: 'time', localTime: true })
      }
      return facts
    }
    case 'ssh-hostkey':
      return [{ service, field: prefix, value: output.trim() }]
    case 'smb-protocols': {
      // nmap prints dialects as `202`, `210`, `300`, `302`, `311` (and `NT LM 0.12 (SMBv1)`).
      const dialects = [...output.matchAll(/^\s+(\d)(\d)(\d)\s*$|^\s+(NT LM 0\.12)/gm)].map((m) =>
        m[4] ? 'SMBv1' : m[3] === '0' ? `${m[1]}.${m[2]}` : `${m[1]}.${m[2]}.${m[3]}`,
      )
      return [
        { service, field: `${prefix} dialects`, value: `dialects:${dialects.join(',')}`, claim: 'build' },
      ]
    }
    case 'smtp-commands': {
      const first = /^\s*([\w.-]+)/.exec(output)?.[1]
      facts.push({ service, field: prefix, value: output.trim() })
      if (first) facts.push({ service, field: `${prefix} hostname`, value: first, claim: 'hostname' })
      return facts
    }
    case 'snmp-sysdescr': {
      const [descr = '', ...rest] = output.trim().split('\n')
      facts.push({ service, field: `${prefix} sysDescr`, value: descr.trim() })
      // net-snmp on Linux: `Linux <hostname> <kernel> <uname -v> <arch>`.
      const linux = /^Linux (\S+) (\S+) /.exec(descr.trim())
      if (linux?.[1] && linux[2]) {
        facts.push({ service, field: `${prefix} sysDescr hostname`, value: linux[1], claim: 'hostname' })
        facts.push({ service, field: `${prefix} sysDescr kernel`, value: linux[2], claim: 'kernel' })
      }
      const windows = /Windows Version ([\d.]+)|Build (\d+)/.exec(descr)
      if (windows)
        facts.push({ service, field: `${prefix} sysDescr build`, value: windows[0], claim: 'build' })
      const ticks = /\((\d+) timeticks\)/.exec(rest.join('\n'))?.[1]
      if (ticks)
        facts.push({
          service,
          field: `${prefix} sysUpTime`,
          value: `uptime:${Number(ticks) / 100}`,
          claim: 'boot',
        })
      return facts
    }
    case 'nbstat': {
      const name = /NetBIOS name: ([^,\s]+)/.exec(output)?.[1]
      const mac = /NetBIOS MAC: ([0-9a-f:]{17})/i.exec(output)?.[1]
      facts.push({ service, field: prefix, value: output.trim() })
      if (name) facts.push({ service, field: `${prefix} name`, value: name, claim: 'hostname' })
      if (mac) facts.push({ service, field: `${prefix} mac`, value: mac.toLowerCase(), claim: 'mac' })
      return facts
    }
    default: {
      const claims = SCRIPT_CLAIMS[script] ?? {}
      for (const [key, raw] of scriptFields(output)) {
        const claim = claims[key]
        // The DC functional level follows the Windows build (6 = 2012 R2, 7 = 2016–2022, 10 = 2025).
        const value = key === 'domainControllerFunctionality' ? `dcFunctionality:${raw}` : raw
        facts.push({ service, field: `${prefix} ${key}`, value, ...(claim ? { claim } : {}) })
      }
      // An SNMP engine ID in MAC format (printers, switches) carries the agent's own MAC.
      const engineMac = /engineIDFormat: mac\s+engineIDData: ([0-9a-f]{12})\b/i.exec(output)?.[1]
      if (engineMac)
        facts.push({
          service,
          field: `${prefix} engineID mac`,
          value: engineMac.toLowerCase().replace(/(..)(?!$)/g, '$1:'),
          claim: 'mac',
        })
      return facts
    }
  }
}

/** A TLS port's certificate as a client sees it. */
export function certificateFacts(service: string, ip: string, port: number): Promise<Fact[]> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: ip, port, rejectUnauthorized: false, servername: undefined })
    const where = `tcp/${port} cert`
    const done = (facts: Fact[]) => {
      socket.destroy()
      resolve(facts)
    }
    socket.setTimeout(10_000, () => done([{ service, field: `${where} error`, value: 'timeout' }]))
    socket.once('error', (error) => done([{ service, field: `${where} error`, value: error.message }]))
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate()
      const facts: Fact[] = [
        { service, field: `${where} serial`, value: cert.serialNumber ?? '' },
        { service, field: `${where} fingerprint`, value: cert.fingerprint256 ?? '' },
        {
          service,
          field: `${where} public key`,
          value: cert.pubkey ? createHash('sha256').update(cert.pubkey).digest('hex') : '',
        },
        { service, field: `${where} not before`, value: cert.valid_from ?? '' },
        { service, field: `${where} not after`, value: cert.valid_to ?? '' },
        { service, field: `${where} subject`, value: JSON.stringify(cert.subject ?? {}) },
        { service, field: `${where} issuer`, value: JSON.stringify(cert.issuer ?? {}) },
        { service, field: `${where} protocol`, value: socket.getProtocol() ?? '' },
      ]
      const cn = cert.subject?.CN
      // kube-apiserver's serving certificate is CN=kube-apiserver (the node name is only a SAN).
      if (typeof cn === 'string' && service !== 'k8s')
        facts.push({ service, field: `${where} CN`, value: cn, claim: 'hostname' })
      if (cert.subjectaltname) facts.push({ service, field: `${where} SAN`, value: cert.subjectaltname })
      done(facts)
    })
  })
}

/**
 * An LLMNR query (UDP 5355) for the decky's own name, as Responder-style tools and Windows peers send
 * it: a real Windows host answers for its own name with its address.
 */
export function llmnrFacts(ip: string, hostname: string): Promise<Fact[]> {
  const labels = hostname.split('.').map((label) => {
    const bytes = Buffer.from(label, 'ascii')
    return Buffer.concat([Buffer.from([bytes.length]), bytes])
  })
  const header = Buffer.alloc(12)
  header.writeUInt16BE(randomBytes(2).readUInt16BE(0), 0)
  header.writeUInt16BE(1, 4) // QDCOUNT
  const query = Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]) // A, IN
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    const finish = (value: string) => {
      clearTimeout(timer)
      socket.close()
      resolve([{ service: 'llmnr', field: `own-name answer (${hostname})`, value }])
    }
    const timer = setTimeout(() => finish('no answer within 5 s'), 5000)
    socket.on('error', (error) => finish(`error: ${error.message}`))
    socket.on('message', (reply) => {
      const answers = reply.length >= 12 ? reply.readUInt16BE(6) : 0
      finish(
        answers > 0 && reply.length >= 16
          ? [...reply.subarray(reply.length - 4)].join('.')
          : `no answer record (${reply.length} bytes)`,
      )
    })
    socket.send(query, 5355, ip)
  })
}

const SNMP_SYSTEM_GROUP: Record<string, string> = {
  '.1.3.6.1.2.1.1.1.0': 'sysDescr',
  '.1.3.6.1.2.1.1.2.0': 'sysObjectID',
  '.1.3.6.1.2.1.1.3.0': 'sysUpTime',
  '.1.3.6.1.2.1.1.4.0': 'sysContact',
  '.1.3.6.1.2.1.1.5.0': 'sysName',
  '.1.3.6.1.2.1.1.6.0': 'sysLocation',
  '.1.3.6.1.2.1.1.7.0': 'sysServices',
}

/** The SNMP system group as Debian's snmpwalk reads it with the default community. */
export async function snmpSystemFacts(ip: string, community = 'public'): Promise<Fact[]> {
  let stdout: string
  try {
    ;({ stdout } = await execFileAsync(
      'snmpwalk',
      ['-v2c', '-c', community, '-On', '-Oe', '-t', '3', '-r', '1', ip, '.1.3.6.1.2.1.1'],
      { timeout: 20_000 },
    ))
  } catch (error) {
    return [{ service: 'snmp', field: 'snmpwalk error', value: (error as Error).message.slice(0, 300) }]
  }
  const facts: Fact[] = []
  for (const line of stdout.split('\n')) {
    const match = /^(\S+) = (?:[\w-]+: )?(.*)$/.exec(line.trim())
    const name = match?.[1] && SNMP_SYSTEM_GROUP[match[1]]
    if (!match || !name) continue
    const value = (match[2] ?? '').replace(/^"|"$/g, '')
    const ticks = name === 'sysUpTime' ? /\((\d+)\)/.exec(value)?.[1] : undefined
    if (name === 'sysName') facts.push({ service: 'snmp', field: 'system sysName', value, claim: 'hostname' })
    else if (ticks)
      facts.push({
        service: 'snmp',
        field: 'system sysUpTime',
        value: `uptime:${Number(ticks) / 100}`,
        claim: 'boot',
      })
    else facts.push({ service: 'snmp', field: `system ${name}`, value })
  }
  if (facts.length === 0)
    facts.push({
      service: 'snmp',
      field: 'snmpwalk error',
      value: `no system group in: ${stdout.slice(0, 200)}`,
    })
  return facts
}

/**
 * An SMTP greeting read at a known instant: its date must be the live clock (a date frozen at service
 * start was a tell) in the persona's zone, its host name the persona's.
 */
export function smtpGreetingFacts(service: string, ip: string, port: number): Promise<Fact[]> {
  return new Promise((resolve) => {
    const socket = connect(port, ip)
    let data = ''
    const finish = (facts: Fact[]) => {
      socket.destroy()
      resolve(facts)
    }
    socket.setTimeout(10_000, () =>
      finish([{ service, field: `tcp/${port} greeting error`, value: `timeout after '${data}'` }]),
    )
    socket.on('error', (error) =>
      finish([{ service, field: `tcp/${port} greeting error`, value: error.message }]),
    )
    socket.on('data', (chunk) => {
      const readAtMs = Date.now()
      data += chunk.toString('latin1')
      if (!data.includes('\r\n')) return
      const line = data.split('\r\n')[0] ?? ''
      const facts: Fact[] = [{ service, field: `tcp/${port} greeting`, value: line }]
      const date = /(\w{3}, +\d+ \w{3} \d{4} [\d:]+ [+-]\d{4})/.exec(line)?.[1]
      if (date)
        facts.push({
          service,
          field: `tcp/${port} greeting date`,
          value: date,
          claim: 'time',
          readAtMs,
          localTime: true,
        })
      finish(facts)
    })
  })
}

/** HTTP response headers read at a known instant (Date is the live clock, in GMT). */
export async function httpHeaderFacts(service: string, ip: string, port: number): Promise<Fact[]> {
  try {
    const response = await fetch(`http://${ip}:${port}/`, { signal: AbortSignal.timeout(10_000) })
    const readAtMs = Date.now()
    await response.arrayBuffer()
    const date = response.headers.get('date')
    return date ? [{ service, field: `tcp/${port} GET / Date`, value: date, claim: 'time', readAtMs }] : []
  } catch (error) {
    return [{ service, field: `tcp/${port} GET / error`, value: (error as Error).message }]
  }
}

/** What an intruder reads in the shell (ssh exec as the catalogue's default root login). */
const SHELL_READS: Record<string, string> = {
  'os-release': 'cat /etc/os-release',
  uname: 'uname -a',
  'uname -r': 'uname -r',
  hostname: 'hostname',
  'machine-id': 'cat /etc/machine-id',
  bash_history: 'cat /root/.bash_history',
  uptime: 'cat /proc/uptime',
  loadavg: 'cat /proc/loadavg',
  date: 'date +%s',
  'date -R': 'date -R',
  cpuinfo: 'cat /proc/cpuinfo',
  'host keys': 'cat /etc/ssh/ssh_host_ed25519_key.pub',
  'ls /etc': 'ls -la /etc',
}

export async function shellFacts(ip: string, password = 'admin'): Promise<Fact[]> {
  const marker = `@@${randomBytes(4).toString('hex')}`
  const script = Object.entries(SHELL_READS)
    .map(([name, command]) => `echo ${marker}${name}; ${command}`)
    .join('; ')
  let stdout: string
  try {
    ;({ stdout } = await execFileAsync('sshpass', sshpassArgs({ address: ip, password, command: script }), {
      timeout: 30_000,
    }))
  } catch (error) {
    const failed = error as { stdout?: string; message: string }
    if (!failed.stdout) return [{ service: 'ssh', field: 'shell error', value: failed.message.slice(0, 300) }]
    stdout = failed.stdout
  }
  const sections = new Map<string, string>()
  for (const part of stdout.split(marker).slice(1)) {
    const newline = part.indexOf('\n')
    sections.set(part.slice(0, newline).trim(), part.slice(newline + 1).trim())
  }
  const facts: Fact[] = []
  for (const name of Object.keys(SHELL_READS)) {
    const value = sections.get(name)
    if (value === undefined) continue
    facts.push({ service: 'ssh', field: `shell ${name}`, value })
  }
  const osRelease = sections.get('os-release') ?? ''
  const id = /^ID=(.*)$/m.exec(osRelease)?.[1]?.replace(/"/g, '')
  const versionId = /^VERSION_ID=(.*)$/m.exec(osRelease)?.[1]?.replace(/"/g, '')
  if (id)
    facts.push({
      service: 'ssh',
      field: 'shell os-release ID/VERSION_ID',
      value: `os-release:${id} ${versionId ?? '(no VERSION_ID)'}`,
      claim: 'os',
    })
  const kernel = sections.get('uname -r')
  if (kernel) facts.push({ service: 'ssh', field: 'shell uname -r', value: kernel, claim: 'kernel' })
  const hostname = sections.get('hostname')
  if (hostname) facts.push({ service: 'ssh', field: 'shell hostname', value: hostname, claim: 'hostname' })
  const readAtMs = Date.now()
  const epoch = sections.get('date')
  if (epoch)
    facts.push({
      service: 'ssh',
      field: 'shell date +%s (clock)',
      // Scripts read epoch seconds; any other answer to `date +%s` is unreadable to them too.
      value: /^\d+$/.test(epoch)
        ? new Date(Number(epoch) * 1000).toISOString()
        : `not epoch seconds: ${epoch}`,
      claim: 'time',
      readAtMs,
    })
  const rfc2822 = sections.get('date -R')
  if (rfc2822)
    facts.push({
      service: 'ssh',
      field: 'shell date -R (clock)',
      value: rfc2822,
      claim: 'time',
      readAtMs,
      localTime: true,
    })
  const uptime = /^([\d.]+)/.exec(sections.get('uptime') ?? '')?.[1]
  if (uptime)
    facts.push({ service: 'ssh', field: 'shell /proc/uptime', value: `uptime:${uptime}`, claim: 'boot' })
  const mhz = [...(sections.get('cpuinfo') ?? '').matchAll(/^cpu MHz\s*:\s*(\S+)/gm)]
    .map((m) => m[1])
    .join(',')
  if (mhz) facts.push({ service: 'ssh', field: 'shell cpu MHz', value: mhz })
  return facts
}

/** Ports whose protocol starts with a TLS handshake (LDAPS, IMAPS, POP3S, Docker TLS, kube-apiserver …). */
const IMPLICIT_TLS_PORTS = new Set([443, 636, 993, 995, 2376, 6443, 8443])

/** Every fact of one decky: nmap's, then the direct reads its services allow. */
export async function collectFacts(
  spec: DeckySpec,
  host: NmapHost | undefined,
  hostname: string,
): Promise<Fact[]> {
  const facts = host
    ? nmapFacts(spec, host)
    : [{ service: 'host', field: 'nmap', value: 'host missing from the scan' }]
  const slugs = new Set(spec.services.map((s) => s.slug))
  const reads: Promise<Fact[]>[] = []
  for (const port of host?.ports ?? []) {
    if (port.state === 'open' && (port.service?.tunnel === 'ssl' || IMPLICIT_TLS_PORTS.has(port.port))) {
      const service = serviceOfPort(spec, 'tcp', port.port) ?? `tcp/${port.port}`
      reads.push(certificateFacts(service, spec.ip, port.port))
    }
  }
  if (slugs.has('smb')) reads.push(smbFacts(spec.ip))
  for (const service of spec.services) {
    for (const { port, protocol } of service.ports) {
      if (protocol !== 'tcp') continue
      if ((service.slug === 'smtp' || service.slug === 'smtp_relay') && port === 25)
        reads.push(smtpGreetingFacts(service.slug, spec.ip, port))
      if (service.slug === 'http') reads.push(httpHeaderFacts(service.slug, spec.ip, port))
    }
  }
  if (slugs.has('ssh')) reads.push(shellFacts(spec.ip))
  if (slugs.has('snmp')) reads.push(snmpSystemFacts(spec.ip))
  if (slugs.has('llmnr')) reads.push(llmnrFacts(spec.ip, hostname))
  for (const more of await Promise.all(reads)) facts.push(...more)
  return facts
}
