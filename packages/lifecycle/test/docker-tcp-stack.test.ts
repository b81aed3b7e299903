import { execFileSync } from 'node:child_process'
import { derivePersona, type NmapOsClass, seedFromName, TCP_STACKS, type TcpStackProfile } from '@decnet/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHAPER_CONFINEMENT } from '../src/engine/docker/containers.ts'
import { type DeckySpec, DockerEngine, deckySpecFor, StackShapingError } from '../src/index.ts'
import { buildDecoyImage } from './support/decoy-image.ts'
import { dockerTestbed, removeInstance } from './support/docker.ts'

// Debian's nmap -O against deckies on real Docker, one per TCP/IP stack profile (own containers
// only). Each scan takes about 1.5 s (printed below; 3-16 s before --max-os-tries 1).

const { docker, instance, network } = dockerTestbed()
let image: string
let engine: DockerEngine
let nextOctet = 40

beforeAll(() => {
  image = buildDecoyImage()
  engine = new DockerEngine({ image, instance, networkName: `${instance}_lan`, readinessTimeoutMs: 30_000 })
}, 250_000)

afterAll(async () => {
  await removeInstance(docker, instance)
})

const OPEN_PORT = 80
const CLOSED_PORT = 81

function specFor(stack: TcpStackProfile, name: string): DeckySpec {
  return deckySpecFor({
    name,
    ip: `${network.prefix}.${nextOctet++}`,
    // A MAC from a persona of the profile's kind (a printer's is an HP printer's).
    mac: derivePersona({
      seed: seedFromName(name),
      osFamily: stack.family,
      distro: 'debian',
      archetype: stack.id === 'printer' ? 'printer' : null,
    }).mac,
    hostname: name,
    osFamily: stack.family,
    stack: stack.id,
    services: ['http'],
    serviceConfig: {},
  })
}

type OsGuess = { name: string; accuracy: number; classes: (NmapOsClass & { accuracy: number })[] }

/**
 * nmap -O as an attacker runs it, kept short: one open and one closed port, one retry, one OS
 * detection try. --osscan-guess only prints the ranking nmap computes anyway: without it, a host
 * matching no fingerprint exactly gets no guess printed when nmap deems the conditions ideal. The
 * profiles that imitate a device (embedded-linux, printer) match no fingerprint exactly, so nmap's
 * default tried again four more times on this quiet local bridge (about 10 s each scan) and printed
 * the same top guess (same names and accuracies) as its first try.
 */
function nmapOs(ip: string): { guesses: OsGuess[]; seconds: number } {
  const started = Date.now()
  const xml = execFileSync(
    'nmap',
    [
      '-O',
      '--osscan-guess',
      '-Pn',
      '-n',
      '--max-retries',
      '1',
      '--max-os-tries',
      '1',
      '-p',
      `${OPEN_PORT},${CLOSED_PORT}`,
      '-oX',
      '-',
      ip,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  )
  const guesses = [
    ...xml.matchAll(/<osmatch name="([^"]*)" accuracy="(\d+)"[^>]*>([\s\S]*?)<\/osmatch>/g),
  ].map(([, name = '', accuracy = '0', body = '']) => ({
    name,
    accuracy: Number(accuracy),
    classes: [
      ...body.matchAll(/<osclass type="([^"]*)" vendor="([^"]*)" osfamily="([^"]*)"[^>]*accuracy="(\d+)"/g),
    ].map(([, deviceType = '', vendor = '', osFamily = '', classAccuracy = '0']) => ({
      vendor,
      osFamily,
      deviceType,
      accuracy: Number(classAccuracy),
    })),
  }))
  return { guesses, seconds: (Date.now() - started) / 1000 }
}

function describeGuesses(guesses: OsGuess[]): string {
  return guesses.length === 0
    ? 'no OS guess'
    : guesses
        .slice(0, 4)
        .map((g) => `${g.name} (${g.accuracy}%)`)
        .join(', ')
}

/** The class of nmap's top guess matches the profile's: what an attacker reads first. */
function expectTopGuess(stack: TcpStackProfile, guesses: OsGuess[]): void {
  const want = stack.nmapClass as NmapOsClass
  const top = guesses[0]
  const got = top?.classes[0]
  expect({ stack: stack.id, top: top?.name, vendor: got?.vendor, family: got?.osFamily }).toEqual({
    stack: stack.id,
    top: top?.name,
    vendor: want.vendor,
    family: want.osFamily,
  })
  if (want.deviceType) expect(got?.deviceType).toBe(want.deviceType)
}

/** The HTTP status curl reads, or 000 when it gets none (curl exits non-zero then). */
function curlStatus(ip: string): string {
  try {
    return execFileSync(
      'curl',
      ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10', `http://${ip}/`],
      { encoding: 'utf8' },
    )
  } catch {
    return '000'
  }
}

async function deckyContainers(decky: string) {
  return docker.listContainers({
    all: true,
    filters: { label: [`decnet.instance=${instance}`, `decnet.decky=${decky}`] },
  })
}

describe('TCP/IP stack profiles on real Docker, read by nmap -O', () => {
  for (const stack of TCP_STACKS.filter((s) => s.nmapClass)) {
    // The tell this guards: nmap said "Linux 4.15 - 5.6" for every decky (SYN-ACK win 65160,
    // M5B4ST11NW7, TTL-only changes), and with the host's 6.x kernel defaults (W=FE88 NWA and
    // per-connection timestamp offsets) it guessed nothing at all.
    it(`${stack.id}: nmap's top guess is ${stack.nmapClass?.vendor} ${stack.nmapClass?.osFamily}, and HTTP still works`, async () => {
      const spec = specFor(stack, `stk-${stack.id}`)
      await engine.deploy(spec, network)
      const { guesses, seconds } = nmapOs(spec.ip)
      console.log(`nmap -O ${stack.id} (${seconds.toFixed(1)} s): ${describeGuesses(guesses)}`)
      expectTopGuess(stack, guesses)
      // Shaping rewrites only what fingerprints read: a real client still completes an exchange.
      expect(curlStatus(spec.ip)).toMatch(/^[23]\d\d$/)
    }, 120_000)
  }

  it('shapes again after a daemon restart gives the base a new namespace, and confines the shaper', async () => {
    // The tell this guards: a decky shaped once by a one-shot step answered as Linux again after
    // `systemctl restart docker` (new namespace, filter gone) while observe still said `up`.
    const stack = TCP_STACKS.find((s) => s.id === 'windows-server') as TcpStackProfile
    const spec = specFor(stack, 'stk-restart')
    await engine.deploy(spec, network)
    const containers = await deckyContainers(spec.name)
    const byRole = (role: string) => containers.filter((c) => c.Labels['decnet.role'] === role)
    const [base] = byRole('base')
    const [shaper] = byRole('shaper')
    const shaperInfo = await docker.getContainer(shaper?.Id ?? '').inspect()
    expect(shaperInfo.HostConfig.CapAdd).toEqual(['NET_ADMIN', 'SYS_ADMIN'])
    expect(shaperInfo.HostConfig.CapDrop).toEqual(['ALL'])
    expect(shaperInfo.HostConfig.ReadonlyRootfs).toBe(true)
    expect(shaperInfo.HostConfig.Memory).toBe(SHAPER_CONFINEMENT.memoryBytes)
    expect((await docker.getContainer(base?.Id ?? '').inspect()).HostConfig.CapAdd).toEqual(['NET_ADMIN'])

    // What the daemon does on restart: everything stops, the base starts first (a new network
    // namespace), then the containers that join it, by their restart policy.
    for (const c of [...byRole('decoy'), ...byRole('shaper'), ...byRole('base')])
      await docker.getContainer(c.Id).stop({ t: 1 })
    await docker.getContainer(base?.Id ?? '').start()
    for (const c of [...byRole('shaper'), ...byRole('decoy')]) await docker.getContainer(c.Id).start()
    const deadline = Date.now() + 30_000
    while (curlStatus(spec.ip) === '000' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 300))

    const { guesses, seconds } = nmapOs(spec.ip)
    console.log(`nmap -O after restart (${seconds.toFixed(1)} s): ${describeGuesses(guesses)}`)
    expectTopGuess(stack, guesses)
    const [observation] = await engine.observe([spec.name])
    expect(observation?.state).toBe('up')
  }, 180_000)

  it('fails the deploy with the reason and reports the decky degraded when shaping fails', async () => {
    // The tell this guards: a decky whose shaping failed silently answered nmap as Linux.
    const failing = new DockerEngine({
      image,
      instance,
      networkName: `${instance}_lan`,
      readinessTimeoutMs: 30_000,
      shaperCommand: [
        '/usr/bin/node',
        '-e',
        'process.stderr.write("decnet-shaper: tc: Operation not permitted\\n"); process.exit(1)',
      ],
    })
    const stack = TCP_STACKS.find((s) => s.id === 'windows-10') as TcpStackProfile
    const spec = specFor(stack, 'stk-broken')
    const error = await failing.deploy(spec, network).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StackShapingError)
    expect((error as Error).message).toBe(
      'decky stk-broken: TCP/IP stack shaping failed: tc: Operation not permitted',
    )
    const deadline = Date.now() + 15_000
    let problems: string[] = []
    while (Date.now() < deadline) {
      const [observation] = await failing.observe([spec.name])
      problems = observation?.problems ?? []
      if (observation?.state === 'degraded' && problems.some((p) => p.startsWith('TCP/IP stack shaper')))
        break
      await new Promise((r) => setTimeout(r, 300))
    }
    expect(problems.join('; ')).toMatch(
      /TCP\/IP stack shaper (exited|restarting): the decky answers as Linux/,
    )
  }, 120_000)
})
