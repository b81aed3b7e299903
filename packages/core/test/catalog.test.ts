import { describe, expect, it } from 'vitest'
import {
  ARCHETYPES,
  coerceServiceConfig,
  DecnetError,
  DISTROS,
  derivePersona,
  findPortConflict,
  getArchetype,
  getService,
  isDistroSlug,
  MAC_RE,
  OS_FAMILIES,
  SERVICE_SLUGS,
  SERVICES,
  seedFromName,
  sysctlsFor,
  ZServiceDefinition,
} from '../src/index.ts'

describe('service catalogue', () => {
  it('has the 28 per-decky slugs, each once, in SERVICES order', () => {
    expect(SERVICE_SLUGS).toHaveLength(30)
    expect(SERVICES.map((s) => s.slug)).toEqual([...SERVICE_SLUGS])
    expect(new Set(SERVICE_SLUGS).size).toBe(30)
    expect(getService('sniffer')).toBeUndefined()
  })

  it('every definition validates against the shared schema and has valid ports', () => {
    for (const service of SERVICES) {
      expect(ZServiceDefinition.parse(service)).toBeTruthy()
      expect(service.ports.length).toBeGreaterThan(0)
      for (const { port } of service.ports) expect(port).toBeGreaterThan(0)
      const keys = service.config.map((f) => f.key)
      expect(new Set(keys).size).toBe(keys.length)
      for (const field of service.config) {
        if (field.type === 'enum' || field.type === 'multi_enum')
          expect(field.options?.length).toBeGreaterThan(0)
        if (field.type === 'password') expect(field.secret).toBe(true)
      }
    }
  })

  it('declares the reference ports and config keys', () => {
    expect(getService('ssh')?.ports).toEqual([{ port: 22, protocol: 'tcp' }])
    expect(getService('dns')?.ports).toContainEqual({ port: 53, protocol: 'udp' })
    expect(getService('snmp')?.ports).toEqual([{ port: 161, protocol: 'udp' }])
    expect(getService('rdp')?.config.map((f) => f.key)).toEqual(['nla'])
    expect(getService('ssh')?.config.map((f) => f.key)).toEqual(
      expect.arrayContaining(['password', 'user', 'user_password', 'hostname']),
    )
    expect(getService('smtp_relay')?.config.find((f) => f.key === 'upstream_pass')?.secret).toBe(true)
    expect(getService('http')?.config.map((f) => f.key)).toEqual(
      expect.arrayContaining(['server_header', 'response_code', 'fake_app', 'custom_body', 'http_versions']),
    )
  })

  it('detects services sharing a port', () => {
    expect(findPortConflict(['smtp', 'smtp_relay'])).toMatchObject({ a: 'smtp', b: 'smtp_relay' })
    expect(findPortConflict(['http', 'https', 'conpot', 'snmp'])).toBeUndefined()
  })
})

describe('coerceServiceConfig', () => {
  it('coerces bool, int, enum, multi_enum and b64 textarea values', () => {
    expect(coerceServiceConfig('rdp', { nla: 'false' })).toEqual({ nla: false })
    expect(coerceServiceConfig('rdp', { nla: 'YES' })).toEqual({ nla: true })
    expect(
      coerceServiceConfig('http', {
        response_code: '404',
        fake_app: 'jenkins',
        http_versions: 'http/2, http/1.1, http/2',
        custom_body: 'b64:PGgxPkl0IHdvcmtzPC9oMT4=',
        server_header: '',
      }),
    ).toEqual({
      response_code: 404,
      fake_app: 'jenkins',
      http_versions: ['http/2', 'http/1.1'],
      custom_body: '<h1>It works</h1>',
    })
  })

  it.each([
    ['rdp', { nla: 'maybe' }, 'nla: expected a boolean'],
    ['http', { response_code: '1e2' }, 'response_code: expected an integer'],
    ['http', { response_code: '700' }, 'at most 599'],
    ['http', { fake_app: 'drupal' }, "'drupal' is not one of"],
    ['http', { http_versions: 'http/3' }, "'http/3' is not one of"],
    ['http', { http_versions: ' , ' }, 'list must not be empty'],
    ['http', { custom_body: 'b64:@@@' }, 'malformed b64'],
    ['http', { custom_body: 'b64:/w==' }, 'malformed b64'],
    ['http', { server_header: 'nginx\r\nSet-Cookie: x' }, 'control characters'],
    ['ssh', { shell: 'bash' }, "unknown config key 'shell'"],
    ['nope', {}, "unknown service 'nope'"],
  ])('%s %j is rejected naming service, key and reason', (slug, raw, fragment) => {
    try {
      coerceServiceConfig(slug, raw)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(DecnetError)
      expect((error as DecnetError).code).toBe('invalid_input')
      expect((error as DecnetError).message).toContain(fragment)
      if (slug !== 'nope') expect((error as DecnetError).message).toContain(`service ${slug}`)
    }
  })
})

describe('archetypes, distros, OS families', () => {
  it('has 15 archetypes whose services, distros and families all exist', () => {
    expect(ARCHETYPES).toHaveLength(15)
    for (const a of ARCHETYPES) {
      for (const s of a.services) expect(getService(s)).toBeDefined()
      for (const d of a.preferredDistros) expect(isDistroSlug(d)).toBe(true)
      expect(findPortConflict(a.services)).toBeUndefined()
    }
    expect(getArchetype('industrial-control')?.services).toEqual(['conpot', 'snmp'])
  })

  it('has 9 distros and 6 OS families with the reference sysctls', () => {
    expect(DISTROS).toHaveLength(10)
    expect(OS_FAMILIES.map((f) => f.slug)).toEqual([
      'linux',
      'windows',
      'windows_server',
      'bsd',
      'embedded',
      'cisco',
    ])
    expect(sysctlsFor('windows')['net.ipv4.ip_default_ttl']).toBe('128')
    expect(sysctlsFor('cisco')['net.ipv4.tcp_timestamps']).toBe('0')
    expect(sysctlsFor('cisco')['net.ipv4.tcp_syn_retries']).toBe('2')
    expect(sysctlsFor('unknown')).toEqual(sysctlsFor('linux'))
  })
})

describe('persona MACs', () => {
  it('are well-formed, never Docker 02:42, use a family OUI and follow the seed, not the name', () => {
    for (const family of OS_FAMILIES) {
      for (let i = 0; i < 50; i++) {
        const seed = seedFromName(`decky-${i}`)
        const { mac } = derivePersona({ seed, osFamily: family.slug, distro: 'debian' })
        expect(mac).toMatch(MAC_RE)
        expect(mac.startsWith('02:42:')).toBe(false)
        expect(derivePersona({ seed, osFamily: family.slug, distro: 'debian' }).mac).toBe(mac)
      }
    }
  })
})
