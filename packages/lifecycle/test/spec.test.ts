import { execFileSync } from 'node:child_process'
import { derivePersona, personaForLegacyDecky, seedFromName } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import { decoyContainer } from '../src/engine/docker/containers.ts'
import { firstFileInTar, singleFileTar } from '../src/engine/docker/decoy-services.ts'
import { deckySpecFor } from '../src/index.ts'

const row = {
  name: 'win-01',
  ip: '192.168.1.20',
  mac: '00:15:5d:01:02:03',
  hostname: 'DESKTOP-7H2K',
  osFamily: 'windows',
  services: ['rdp', 'dns'],
  serviceConfig: { rdp: { domain: 'CORP' } },
}

describe('deckySpecFor', () => {
  it('takes ports from the service catalogue and sysctls from the OS family', () => {
    const spec = deckySpecFor(row)
    expect(spec.services).toEqual([
      { slug: 'rdp', ports: [{ port: 3389, protocol: 'tcp' }], config: { domain: 'CORP' } },
      {
        slug: 'dns',
        ports: [
          { port: 53, protocol: 'udp' },
          { port: 53, protocol: 'tcp' },
        ],
        config: {},
      },
    ])
    expect(spec.sysctls['net.ipv4.ip_default_ttl']).toBe('128')
    expect(spec.sysctls['net.ipv4.tcp_syn_retries']).toBe('2')
    expect(spec).toMatchObject({
      name: 'win-01',
      ip: row.ip,
      mac: row.mac,
      hostname: row.hostname,
      seed: seedFromName('win-01'),
    })
  })

  it('carries the stored persona, and its seed, to every service', () => {
    const persona = derivePersona({ seed: 'ab'.repeat(16), osFamily: 'windows', distro: 'debian' })
    const spec = deckySpecFor({ ...row, persona })
    expect(spec.persona).toEqual(persona)
    expect(spec.seed).toBe(persona.seed)
  })

  it('a row from before personas gets the one derived from its name, keeping its host name and MAC', () => {
    // Tell guarded: the seed used to be the decky name itself, readable back from every keyed value.
    const spec = deckySpecFor(row)
    expect(spec.persona).toEqual(personaForLegacyDecky(row))
    expect(spec.persona).toMatchObject({ hostname: row.hostname, mac: row.mac, family: 'windows' })
  })

  const settings = {
    instance: 'test',
    networkName: 'net',
    imageId: 'sha256:0',
    baseCommand: [],
    shaperCommand: [],
    logMaxSize: '1m',
    stopTimeoutSeconds: 2,
  }
  const envOf = (options: { Env?: string[] }, name: string) =>
    options.Env?.find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1)

  it('the decoy container gets the persona as DECNET_PERSONA and every built-in service in DECNET_SERVICES', () => {
    const spec = deckySpecFor(row)
    const container = decoyContainer(spec, 'base', settings)
    expect(JSON.parse(envOf(container.options, 'DECNET_PERSONA') ?? 'null')).toEqual(spec.persona)
    expect(JSON.parse(envOf(container.options, 'DECNET_SERVICES') ?? 'null')).toEqual([
      { slug: 'rdp', ports: [3389], config: { domain: 'CORP' } },
      { slug: 'dns', ports: [53], config: {} },
    ])
  })

  it("a decoy's service set is not part of its hash (a live edit keeps the container), its persona is", () => {
    const spec = deckySpecFor(row)
    const edited = deckySpecFor({ ...row, services: ['rdp'], serviceConfig: {} })
    const before = decoyContainer(spec, 'base', settings)
    const after = decoyContainer(edited, 'base', settings)
    expect(after.hash).toBe(before.hash)
    expect(after.options.Labels?.['decnet.services']).not.toBe(before.options.Labels?.['decnet.services'])
    const otherPersona = deckySpecFor({ ...row, hostname: 'LAPTOP-1' })
    expect(decoyContainer(otherPersona, 'base', settings).hash).not.toBe(before.hash)
  })

  it('writes a one-file tar archive that reads back (the services file of a live edit)', () => {
    const content = Buffer.from('[{"slug":"ssh","ports":[22],"config":{}}]')
    const archive = singleFileTar('services.json', content)
    expect(archive.length % 512).toBe(0)
    expect(firstFileInTar(archive).equals(content)).toBe(true)
    // GNU tar (which checks the header checksum) reads the same file out of it.
    expect(execFileSync('tar', ['-xOf', '-', 'services.json'], { input: archive }).equals(content)).toBe(true)
  })

  it('with the artifact gateway, the decoy container gets its directory read-only and its own decky token', () => {
    const spec = deckySpecFor(row)
    const withGateway = {
      ...settings,
      artifactGateway: {
        hostDir: '/data/artifact-gateway',
        tokenFor: (decky: string) => `token-of-${decky}`,
      },
    }
    const container = decoyContainer(spec, 'base', withGateway)
    expect(container.options.HostConfig?.Binds).toEqual(['/data/artifact-gateway:/run/decnet-artifacts:ro'])
    expect(container.options.HostConfig?.ReadonlyRootfs).toBe(true)
    expect(container.options.Env).toEqual(
      expect.arrayContaining([
        'DECNET_ARTIFACT_GATEWAY=/run/decnet-artifacts/gateway.sock',
        `DECNET_ARTIFACT_TOKEN=token-of-${spec.name}`,
      ]),
    )
  })

  it("names the family's default TCP/IP stack, or the decky's own, with that profile's sysctls", () => {
    expect(deckySpecFor(row).stack).toBe('windows-10')
    const printer = deckySpecFor({ ...row, osFamily: 'embedded', stack: 'printer' })
    expect(printer.stack).toBe('printer')
    expect(printer.sysctls['net.ipv4.ip_default_ttl']).toBe('64')
    expect(() => deckySpecFor({ ...row, stack: 'os2-warp' })).toThrow(
      /unknown TCP\/IP stack profile 'os2-warp'/,
    )
    // Without its own, the decky's stack is its persona's (a printer persona shapes like an HP printer).
    const persona = derivePersona({
      seed: 'cd'.repeat(16),
      osFamily: 'embedded',
      distro: 'debian',
      archetype: 'printer',
    })
    expect(deckySpecFor({ ...row, osFamily: 'embedded', persona }).stack).toBe('printer')
  })

  it('rejects an unknown service or a config value of the wrong shape', () => {
    expect(() => deckySpecFor({ ...row, services: ['gopher'] })).toThrow(
      "decky win-01: unknown service 'gopher'",
    )
    expect(() => deckySpecFor({ ...row, serviceConfig: { rdp: { domain: { nested: true } } } })).toThrow(
      'decky win-01: rdp.domain has an invalid value',
    )
  })
})
