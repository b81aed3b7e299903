// The persona: one consistent story per decky, derived purely from its seed (issue 17).
import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  ARCHETYPES,
  DISTRO_SLUGS,
  derivePersona,
  getTcpStack,
  hmacSha256,
  isTcpStackId,
  loadAverage,
  OS_FAMILY_SLUGS,
  type Persona,
  type PersonaInput,
  personaForLegacyDecky,
  personaRandom,
  personaValue,
  seedFromName,
  servicesForFamily,
  sha256,
  uptimeSeconds,
  ZPersona,
} from '../src/index.ts'

const SEED_A = '0123456789abcdef0123456789abcdef'
const SEED_B = 'fedcba9876543210fedcba9876543210'
const NOW = Date.UTC(2026, 11, 3, 12)

const inputsForEveryArchetype = (seed: string): PersonaInput[] =>
  ARCHETYPES.map((archetype) => ({
    seed,
    osFamily: archetype.osFamily,
    distro: archetype.preferredDistros[0] ?? 'debian',
    archetype: archetype.slug,
    services: archetype.services,
    nowMs: NOW,
  }))

describe('keyed hash (pure, browser-safe)', () => {
  it('sha256 and HMAC-SHA256 agree with node:crypto', () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 200]) {
      const data = new Uint8Array(length).map((_, i) => (i * 37) & 0xff)
      expect(Buffer.from(sha256(data)).toString('hex')).toBe(createHash('sha256').update(data).digest('hex'))
      const key = new Uint8Array(16).map((_, i) => i)
      expect(Buffer.from(hmacSha256(key, data)).toString('hex')).toBe(
        createHmac('sha256', key).update(data).digest('hex'),
      )
    }
  })

  it('personaValue is HMAC-SHA256(seed, label); labels and seeds give unrelated values', () => {
    const expected = createHmac('sha256', Buffer.from(SEED_A, 'hex')).update('ssh-host-key').digest('hex')
    expect(personaValue({ seed: SEED_A }, 'ssh-host-key')).toBe(expected)
    expect(personaValue({ seed: SEED_A }, 'x', 48)).toHaveLength(96)
    expect(personaValue({ seed: SEED_A }, 'a')).not.toBe(personaValue({ seed: SEED_A }, 'b'))
    expect(personaValue({ seed: SEED_A }, 'a')).not.toBe(personaValue({ seed: SEED_B }, 'a'))
  })

  it('personaRandom is a stable stream per label', () => {
    const draw = (label: string) => {
      const random = personaRandom({ seed: SEED_A }, label)
      return Array.from({ length: 5 }, () => random())
    }
    expect(draw('files')).toEqual(draw('files'))
    expect(draw('files')).not.toEqual(draw('procs'))
    for (const value of draw('files')) expect(value >= 0 && value < 1).toBe(true)
  })
})

describe('derivePersona', () => {
  it('is deterministic: the same input gives the same persona, valid against the schema', () => {
    for (const input of inputsForEveryArchetype(SEED_A)) {
      const persona = derivePersona(input)
      expect(ZPersona.parse(persona)).toEqual(persona)
      expect(derivePersona(input)).toEqual(persona)
    }
  })

  it('names a TCP/IP stack profile the shaper knows, and nmap`s class for it', () => {
    for (const input of inputsForEveryArchetype(SEED_A)) {
      const persona = derivePersona(input)
      expect(isTcpStackId(persona.stack), persona.stack).toBe(true)
      expect(persona.nmapClass.vendor).toBe(
        getTcpStack(persona.stack)?.nmapClass?.vendor ?? persona.nmapClass.vendor,
      )
    }
    const printer = derivePersona({
      seed: SEED_A,
      osFamily: 'embedded',
      distro: 'debian',
      archetype: 'printer',
    })
    expect(printer.stack).toBe('printer')
    expect(derivePersona({ seed: SEED_A, osFamily: 'windows_server', distro: 'debian' }).stack).toBe(
      'windows-server',
    )
  })

  it('every family gives a product to every catalogue service it can run', () => {
    for (const family of OS_FAMILY_SLUGS) {
      for (const distro of family === 'linux' ? DISTRO_SLUGS : (['debian'] as const)) {
        const persona = derivePersona({ seed: SEED_A, osFamily: family, distro })
        for (const slug of servicesForFamily(family)) {
          // Tell guarded: an emulator with no product to imitate falls back to a shared default.
          expect(persona.services[slug], `${family}/${distro}: ${slug}`).toBeDefined()
        }
      }
    }
  })

  it('twins: two seeds of the same archetype share no value a real machine randomises', () => {
    for (const [a, b] of inputsForEveryArchetype(SEED_A).map(
      (input) => [derivePersona(input), derivePersona({ ...input, seed: SEED_B })] as const,
    )) {
      // Tell guarded: two deckies with one MAC suffix, machine-id, serial or boot time are one image.
      expect(a.mac.slice(9)).not.toBe(b.mac.slice(9))
      expect(a.machineId).not.toBe(b.machineId)
      expect(a.hardware.serial === b.hardware.serial && a.hardware.serial !== 'Not Specified').toBe(false)
      expect(a.bootTime).not.toBe(b.bootTime)
      expect(uptimeSeconds(a, NOW)).not.toBe(uptimeSeconds(b, NOW))
      // A PLC has no load average to read; every other machine's wanders on its own.
      if (a.loadBase > 0) expect(loadAverage(a, NOW)).not.toEqual(loadAverage(b, NOW))
      expect(a.seed).not.toBe(b.seed)
    }
    // Windows setup names are random: two workstations never share one.
    const names = Array.from(
      { length: 20 },
      (_, i) =>
        derivePersona({ seed: seedFromName(`ws-${i}`), osFamily: 'windows', distro: 'debian' }).hostname,
    )
    expect(new Set(names).size).toBe(20)
    for (const name of names) expect(name).toMatch(/^DESKTOP-[A-Z0-9]{7}$/)
  })

  it('per-distro tables carry what the distro really ships', () => {
    const linux = (distro: string) => derivePersona({ seed: SEED_A, osFamily: 'linux', distro })
    const debian = linux('debian')
    expect(debian.os.name).toBe('Debian GNU/Linux 12 (bookworm)')
    expect(debian.services.ssh?.banner).toBe('OpenSSH_9.2p1 Debian-2+deb12u3')
    expect(debian.os.kernel).toMatch(/^6\.1\.0-\d+-amd64$/)
    expect(debian.os.kernelVersion).toMatch(/^#1 SMP PREEMPT_DYNAMIC Debian 6\.1\.\d+-1 \(2024-\d\d-\d\d\)$/)
    expect(debian.services.mysql).toMatchObject({ product: 'mariadb', banner: '10.11.6-MariaDB-0+deb12u1' })
    expect(
      debian.services.dns?.product === 'bind' ? debian.services.dns.banner : '9.18.28-1~deb12u2-Debian',
    ).toBe('9.18.28-1~deb12u2-Debian')
    expect(linux('ubuntu22').services.ssh?.banner).toBe('OpenSSH_8.9p1 Ubuntu-3ubuntu0.10')
    expect(linux('rocky9').services.ssh?.banner).toBe('OpenSSH_8.7')
    expect(linux('centos7').os.kernel).toMatch(/^3\.10\.0-1160\./)
    // One MTA for smtp and smtp_relay, one MDA for imap and pop3.
    for (const distro of DISTRO_SLUGS) {
      const persona = linux(distro)
      expect(persona.services.smtp).toEqual(persona.services.smtp_relay)
      expect(persona.services.imap).toEqual(persona.services.pop3)
      expect(persona.services.http).toEqual(persona.services.https)
    }
    // RHEL-likes ship Postfix, never Exim.
    for (let i = 0; i < 20; i++) {
      const mta = derivePersona({ seed: seedFromName(`r${i}`), osFamily: 'linux', distro: 'rocky9' }).services
        .smtp
      expect(mta?.product).toBe('postfix')
    }
  })

  it('Windows builds negotiate what they really do; Exchange only on servers', () => {
    const builds = new Map<number, Persona>()
    for (let i = 0; i < 40; i++) {
      for (const osFamily of ['windows', 'windows_server'] as const) {
        const persona = derivePersona({ seed: seedFromName(`w${i}`), osFamily, distro: 'debian' })
        builds.set(persona.os.windows?.build ?? 0, persona)
      }
    }
    expect([...builds.keys()].sort()).toEqual([14393, 17763, 19045, 20348, 22631])
    for (const [build, persona] of builds) {
      const windows = persona.os.windows
      expect(windows?.smbDialects.at(-1)).toBe('3.1.1')
      expect(windows?.tlsVersions.includes('1.3')).toBe(build >= 20348)
      expect(persona.services.smtp?.product === 'exchange').toBe(windows?.server)
      expect(persona.services.rdp?.product).toBe('windows')
      if (windows?.server) expect(persona.services.ldap?.product).toBe('active-directory')
    }
  })

  it('MAC OUIs fit the hardware; host names fit the family', () => {
    for (let i = 0; i < 30; i++) {
      const server = derivePersona({
        seed: seedFromName(`s${i}`),
        osFamily: 'windows_server',
        distro: 'debian',
      })
      // Tell guarded: a Hyper-V OUI on a Dell, or a VMware OUI on a Hyper-V guest.
      if (server.mac.startsWith('00:15:5d')) expect(server.hardware.model).toBe('Virtual Machine')
      if (server.hardware.vendor === 'VMware, Inc.') expect(server.mac).toMatch(/^00:(0c:29|50:56)/)
      expect(server.hostname).not.toMatch(/^SRV-/)
      const linux = derivePersona({ seed: seedFromName(`l${i}`), osFamily: 'linux', distro: 'debian' })
      expect(linux.hostname).toMatch(/^[a-z0-9-]+$/)
    }
    const printer = derivePersona({
      seed: SEED_A,
      osFamily: 'embedded',
      distro: 'alpine',
      archetype: 'printer',
    })
    // HP printers call themselves NPI + the last three MAC bytes.
    expect(printer.hostname).toBe(`NPI${printer.mac.slice(9).replaceAll(':', '').toUpperCase()}`)
    expect(printer.nmapClass.deviceType).toBe('printer')
    const dc = derivePersona({
      seed: SEED_A,
      osFamily: 'windows_server',
      distro: 'debian',
      archetype: 'domain-controller',
    })
    expect(dc.hostname).toMatch(/^DC0\d$/)
    expect(dc.domain?.joined).toBe(true)
  })

  it('keeps a given host name and the fleet domain; avoids host names the fleet already uses', () => {
    const domain = { netbios: 'ACME', dns: 'acme.local', joined: true }
    const kept = derivePersona({
      seed: SEED_A,
      osFamily: 'linux',
      distro: 'debian',
      hostname: 'db01',
      domain,
    })
    expect(kept.hostname).toBe('db01')
    expect(kept.domain).toEqual({ ...domain, joined: false })
    const first = derivePersona({ seed: SEED_A, osFamily: 'linux', distro: 'debian' }).hostname
    const other = derivePersona({
      seed: SEED_A,
      osFamily: 'linux',
      distro: 'debian',
      avoidHostnames: [first],
    })
    expect(other.hostname).not.toBe(first)
  })

  it('uptime follows the boot time and the load average warms up after boot and wanders with time', () => {
    const persona = derivePersona({ seed: SEED_A, osFamily: 'linux', distro: 'debian', nowMs: NOW })
    const uptime = uptimeSeconds(persona, NOW)
    expect(uptime).toBeGreaterThan(0)
    expect(uptimeSeconds(persona, NOW + 60_000)).toBe(uptime + 60)
    expect(uptimeSeconds(persona, persona.bootTime * 1000 - 1)).toBe(0)
    const justBooted = loadAverage(persona, persona.bootTime * 1000 + 5_000)
    expect(justBooted[2]).toBeLessThan(Math.max(0.01, persona.loadBase * 0.05))
    const samples = Array.from({ length: 12 }, (_, i) => loadAverage(persona, NOW + i * 600_000)[0])
    expect(new Set(samples).size).toBeGreaterThan(3)
    for (const value of samples) expect(value).toBeLessThanOrEqual(persona.loadBase * 1.6 + 0.01)
  })

  it('a decky stored before personas gets the same persona each time, keeping its host name and MAC', () => {
    const decky = {
      name: 'old-web',
      osFamily: 'linux',
      distro: 'ubuntu22',
      services: ['http'],
      hostname: 'SRV-ECHO-17',
      mac: '00:1b:21:aa:bb:cc',
    }
    const persona = personaForLegacyDecky(decky)
    expect(personaForLegacyDecky(decky)).toEqual(persona)
    expect(persona).toMatchObject({
      hostname: 'SRV-ECHO-17',
      mac: '00:1b:21:aa:bb:cc',
      seed: seedFromName('old-web'),
    })
    expect(persona.os.versionId).toBe('22.04')
  })
})
