// Runs Debian's nmap against the suite's own deckies and reads its XML report: what an attacker's
// `nmap -sV -O` prints, as data the believability tests compare with each decky's persona.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { XMLParser } from 'fast-xml-parser'

const execFileAsync = promisify(execFile)

export type NmapService = {
  name: string
  product?: string
  version?: string
  extrainfo?: string
  ostype?: string
  hostname?: string
  tunnel?: string
  /** `probed` (a probe matched) or `table` (nmap only named the port from its port table). */
  method: string
  conf: number
  /** Present when nmap received data it could not match: the "unrecognized service" fingerprint. */
  servicefp?: string
}

export type NmapPort = {
  protocol: 'tcp' | 'udp'
  port: number
  state: string
  service?: NmapService
  /** NSE script id → its output (the text form). */
  scripts: Record<string, string>
}

export type NmapOsClass = { vendor: string; osfamily: string; type: string; osgen?: string; accuracy: number }
export type NmapOsMatch = { name: string; accuracy: number; classes: NmapOsClass[] }

export type NmapHost = {
  ip: string
  /** The MAC nmap saw (same L2 segment) and its `nmap-mac-prefixes` vendor. */
  mac?: string
  macVendor?: string
  ports: NmapPort[]
  /** Best first, as nmap ranks them (exact matches, else its "aggressive guesses"). */
  osMatches: NmapOsMatch[]
  /** Host-level NSE scripts (smb-os-discovery, smb2-time …): id → text output. */
  hostScripts: Record<string, string>
}

export type NmapScan = { hosts: Map<string, NmapHost>; args: string; elapsedSeconds: number }

const ARRAY_TAGS = new Set(['host', 'port', 'address', 'osmatch', 'osclass', 'script', 'elem', 'table'])
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  // nmap writes script output with character references (`&#xa;` for newlines).
  htmlEntities: true,
  isArray: (name) => ARRAY_TAGS.has(name),
})

type XmlNode = Record<string, unknown>
const nodes = (value: unknown): XmlNode[] => (Array.isArray(value) ? (value as XmlNode[]) : [])
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

function scriptOutputs(parent: XmlNode | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const script of nodes(parent?.script)) {
    const id = text(script.id)
    if (id) out[id] = text(script.output) ?? ''
  }
  return out
}

function parseService(node: XmlNode | undefined): NmapService | undefined {
  if (!node) return undefined
  const opt = (key: string) => text(node[key])
  const service: NmapService = {
    name: opt('name') ?? '',
    method: opt('method') ?? '',
    conf: Number(node.conf ?? 0),
  }
  for (const key of [
    'product',
    'version',
    'extrainfo',
    'ostype',
    'hostname',
    'tunnel',
    'servicefp',
  ] as const) {
    const value = opt(key)
    if (value !== undefined) service[key] = value
  }
  return service
}

/** Parses `nmap -oX -` output. */
export function parseNmapXml(xml: string): NmapScan {
  const doc = parser.parse(xml) as { nmaprun?: XmlNode }
  const run = doc.nmaprun ?? {}
  const hosts = new Map<string, NmapHost>()
  for (const host of nodes(run.host)) {
    const addresses = nodes(host.address)
    const ip = text(addresses.find((a) => a.addrtype === 'ipv4')?.addr)
    if (!ip) continue
    const mac = addresses.find((a) => a.addrtype === 'mac')
    const ports = nodes((host.ports as XmlNode | undefined)?.port).map(
      (port): NmapPort => ({
        protocol: port.protocol === 'udp' ? 'udp' : 'tcp',
        port: Number(port.portid),
        state: text((port.state as XmlNode | undefined)?.state) ?? 'unknown',
        service: parseService(port.service as XmlNode | undefined),
        scripts: scriptOutputs(port),
      }),
    )
    const osMatches = nodes((host.os as XmlNode | undefined)?.osmatch).map(
      (match): NmapOsMatch => ({
        name: text(match.name) ?? '',
        accuracy: Number(match.accuracy ?? 0),
        classes: nodes(match.osclass).map((c) => ({
          vendor: text(c.vendor) ?? '',
          osfamily: text(c.osfamily) ?? '',
          type: text(c.type) ?? '',
          ...(text(c.osgen) ? { osgen: text(c.osgen) } : {}),
          accuracy: Number(c.accuracy ?? 0),
        })),
      }),
    )
    hosts.set(ip, {
      ip,
      ...(mac && text(mac.addr) ? { mac: text(mac.addr)?.toLowerCase() } : {}),
      ...(mac && text(mac.vendor) ? { macVendor: text(mac.vendor) } : {}),
      ports,
      osMatches,
      hostScripts: scriptOutputs(host.hostscript as XmlNode | undefined),
    })
  }
  const finished = (run.runstats as XmlNode | undefined)?.finished as XmlNode | undefined
  return { hosts, args: text(run.args) ?? '', elapsedSeconds: Number(finished?.elapsed ?? Number.NaN) }
}

export type NmapScanOptions = {
  targets: readonly string[]
  tcpPorts: readonly number[]
  udpPorts: readonly number[]
  scripts: readonly string[]
  /** Extra arguments (e.g. `--version-intensity`). */
  extra?: readonly string[]
  timeoutMs: number
}

/**
 * One nmap invocation over every target (nmap scans hosts in parallel, so the wall time is about
 * the slowest host's, not the sum): SYN + UDP scan of the given ports, `-sV` and `-O`.
 */
export async function nmapScan(options: NmapScanOptions): Promise<NmapScan> {
  const ports = [
    ...(options.tcpPorts.length ? [`T:${options.tcpPorts.join(',')}`] : []),
    ...(options.udpPorts.length ? [`U:${options.udpPorts.join(',')}`] : []),
  ].join(',')
  const args = [
    '-oX',
    '-',
    '-n',
    '-Pn',
    '-sS',
    ...(options.udpPorts.length ? ['-sU'] : []),
    '-sV',
    '-O',
    '-T4',
    ...(options.scripts.length ? ['--script', options.scripts.join(',')] : []),
    ...(options.extra ?? []),
    '-p',
    ports,
    ...options.targets,
  ]
  const { stdout } = await execFileAsync('nmap', args, {
    timeout: options.timeoutMs,
    maxBuffer: 64 * 2 ** 20,
  })
  return parseNmapXml(stdout)
}

/**
 * The same scan as `nmapScan`, one nmap run per group of targets, all at once; one report. Every host
 * gets exactly the scan it would get in a single run (same ports, probes, scripts, -O): nmap scans the
 * hosts of a run in parallel anyway. What changes is the wall time: in one run no host's OS detection
 * or scripts start before the slowest host's service scan ends, so a group whose service scan is slow
 * is better scanned beside the others than ahead of them.
 */
export async function nmapScanGroups(
  groups: readonly (readonly string[])[],
  options: Omit<NmapScanOptions, 'targets'>,
): Promise<NmapScan> {
  const scans = await Promise.all(
    groups.filter((targets) => targets.length > 0).map((targets) => nmapScan({ ...options, targets })),
  )
  return {
    hosts: new Map(scans.flatMap((scan) => [...scan.hosts])),
    args: scans.map((scan) => scan.args).join(' & '),
    elapsedSeconds: Math.max(...scans.map((scan) => scan.elapsedSeconds)),
  }
}

/**
 * Runs `script` again on the hosts where `tcpPort` is open but the script read nothing, and merges what
 * it reads. rdp-ntlm-info (an X.224 + TLS + NTLM exchange) sometimes times out on one of 30 hosts
 * scanned in parallel on a loaded 2-core machine: that is a failed read, not an answer of the decky,
 * and the twins check needs the value from both twins to compare them. Returns the hosts re-read.
 */
export async function rereadMissingScript(
  scan: NmapScan,
  tcpPort: number,
  script: string,
  timeoutMs: number,
): Promise<string[]> {
  const missing = [...scan.hosts.values()].filter((host) =>
    host.ports.some(
      (p) => p.protocol === 'tcp' && p.port === tcpPort && p.state === 'open' && !(script in p.scripts),
    ),
  )
  if (missing.length === 0) return []
  const { stdout } = await execFileAsync(
    'nmap',
    [
      '-oX',
      '-',
      '-n',
      '-Pn',
      '-sS',
      '-T4',
      '--script',
      script,
      '-p',
      `T:${tcpPort}`,
      ...missing.map((h) => h.ip),
    ],
    { timeout: timeoutMs, maxBuffer: 16 * 2 ** 20 },
  )
  const reread = parseNmapXml(stdout)
  for (const host of missing) {
    const again = reread.hosts.get(host.ip)?.ports.find((p) => p.protocol === 'tcp' && p.port === tcpPort)
    const port = host.ports.find((p) => p.protocol === 'tcp' && p.port === tcpPort)
    if (again && port) Object.assign(port.scripts, again.scripts)
  }
  return missing.map((h) => h.ip)
}
