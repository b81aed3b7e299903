// The Windows identity (NTLM, directory) is read from the persona: every decky of the fleet names the
// fleet's one AD domain and its own build (issue 17).
import { derivePersona } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import type { EmulatorContext } from '../src/emulator.ts'
import { windowsIdentity } from '../src/protocols-binary/windows-persona.ts'

const domain = { netbios: 'KESTREL', dns: 'kestrel.lan', joined: true }

function context(seed: string, config: EmulatorContext['config'] = {}): EmulatorContext {
  const persona = derivePersona({
    seed: seed.repeat(32),
    osFamily: 'windows_server',
    distro: 'debian',
    archetype: 'domain-controller',
    domain,
  })
  return {
    decky: 'dc',
    service: 'smb',
    bindAddress: '127.0.0.1',
    ports: [0],
    config,
    persona,
    seed: persona.seed,
    hostname: persona.hostname,
    emit: () => undefined,
  }
}

describe('windowsIdentity', () => {
  it('names the persona`s computer, the fleet domain and the persona`s build', () => {
    // Tell guarded: each decky drew its own domain (CORP, ACME, HQ…) and build, whatever the fleet said.
    for (const seed of ['1', '2', '3']) {
      const ctx = context(seed)
      const windows = ctx.persona.os.windows
      expect(windowsIdentity(ctx)).toEqual({
        standalone: false,
        netbiosDomain: 'KESTREL',
        netbiosComputer: ctx.persona.hostname,
        dnsDomain: 'kestrel.lan',
        dnsComputer: `${ctx.persona.hostname.toLowerCase()}.kestrel.lan`,
        version: { major: windows?.major, minor: windows?.minor, build: windows?.build },
      })
    }
  })

  it('the operator`s config still overrides the persona', () => {
    expect(windowsIdentity(context('4', { domain: 'corp.example.com' }))).toMatchObject({
      netbiosDomain: 'CORP',
      dnsDomain: 'corp.example.com',
    })
    expect(windowsIdentity(context('5', { workgroup: 'WORKGROUP' })).standalone).toBe(true)
  })

  it('a machine that is not joined answers as a workgroup machine', () => {
    const ctx = context('6')
    const loose = { ...ctx, persona: { ...ctx.persona, domain: { ...domain, joined: false } } }
    expect(windowsIdentity(loose)).toMatchObject({ standalone: true, netbiosDomain: ctx.persona.hostname })
  })
})
