import { parseFleetIni } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import { deployIni, planSeed } from '../src/cli/deploy-command.ts'
import { FlagError, fleetIniFromFlags } from '../src/cli/fleet-flags.ts'

describe('decnet deploy from flags', () => {
  it('builds one INI section that the reader expands into <prefix>-01 … <prefix>-NN', () => {
    const ini = fleetIniFromFlags({
      count: '5',
      archetype: 'linux-server',
      distro: 'debian',
      services: 'ssh, http',
      namePrefix: 'web',
      host: 'local',
    })
    expect(ini).toMatch(/^\[web\]$/m)
    expect(ini).toMatch(/^amount = 5$/m)
    const fleet = parseFleetIni(ini)
    expect(fleet.deckies.map((decky) => decky.name)).toEqual([
      'web-01',
      'web-02',
      'web-03',
      'web-04',
      'web-05',
    ])
    for (const decky of fleet.deckies) {
      expect(decky).toMatchObject({
        archetype: 'linux-server',
        distro: 'debian',
        services: ['ssh', 'http'],
        host: 'local',
      })
    }
  })

  it('names one decky after its prefix, or its archetype, or "decky"', () => {
    expect(
      parseFleetIni(fleetIniFromFlags({ namePrefix: 'solo', services: 'ssh' })).deckies.map((d) => d.name),
    ).toEqual(['solo'])
    expect(
      parseFleetIni(fleetIniFromFlags({ archetype: 'linux-server' })).deckies.map((d) => d.name),
    ).toEqual(['linux-server'])
    expect(
      parseFleetIni(fleetIniFromFlags({ count: '2', services: 'ftp' })).deckies.map((d) => d.name),
    ).toEqual(['decky-01', 'decky-02'])
  })

  it('carries the OS family and mutation interval through', () => {
    const [decky] = parseFleetIni(
      fleetIniFromFlags({ services: 'ssh', nmapOs: 'linux', mutateInterval: '6h' }),
    ).deckies
    expect(decky).toMatchObject({ osFamily: 'linux', mutateIntervalMinutes: 360 })
  })

  it('names the flag at fault and lists the valid choices', () => {
    expect(() => fleetIniFromFlags({ archetype: 'toaster' })).toThrow(FlagError)
    expect(() => fleetIniFromFlags({ archetype: 'toaster' })).toThrow(
      /^--archetype: unknown archetype 'toaster'; available: .*linux-server/,
    )
    expect(() => fleetIniFromFlags({ services: 'ssh', distro: 'plan9' })).toThrow(
      /^--distro: unknown distro 'plan9'; available: .*debian/,
    )
    expect(() => fleetIniFromFlags({ services: 'ssh,gopher' })).toThrow(
      /^--services: unknown service\(s\) 'gopher'; available: .*ssh/,
    )
    expect(() => fleetIniFromFlags({ count: '0', services: 'ssh' })).toThrow(
      /^-n: amount must be a whole number from 1 to/,
    )
    expect(() => fleetIniFromFlags({ count: 'five', services: 'ssh' })).toThrow(
      /^-n: expected a whole number/,
    )
    expect(() => fleetIniFromFlags({ count: '500', services: 'ssh' })).toThrow(
      /^-n: amount=500 exceeds the maximum/,
    )
    expect(() => fleetIniFromFlags({ namePrefix: 'Bad Name!', services: 'ssh' })).toThrow(
      /^--name-prefix: invalid decky name/,
    )
    expect(() => fleetIniFromFlags({ namePrefix: 'general', services: 'ssh' })).toThrow(
      /^--name-prefix: "general" is reserved/,
    )
    expect(() => fleetIniFromFlags({ services: ' , ' })).toThrow(/^--services: name at least one service/)
    expect(() => fleetIniFromFlags({ services: 'ssh', mutateInterval: 'often' })).toThrow(
      /^--mutate-interval: /,
    )
    // A Linux archetype cannot answer RDP: refused at the flag that asked for it.
    expect(() => fleetIniFromFlags({ services: 'rdp', nmapOs: 'linux' })).toThrow(
      /^--(services|nmap-os): .*rdp/,
    )
  })

  it('takes an INI file or flags, never both and never neither', () => {
    expect(() => deployIni({ config: '/nonexistent.ini', count: '2' })).toThrow(
      /either -c <file> or deployment flags/,
    )
    expect(() => deployIni({ dryRun: true })).toThrow(/nothing to deploy: give -c <fleet.ini>/)
    expect(deployIni({ services: 'ssh', dryRun: true, replaceFleet: true })).toMatch(/^\[decky\]$/m)
  })

  it('takes a plan seed as a dry run prints it, and names the flag when it is not one', () => {
    expect(planSeed({})).toBeUndefined()
    expect(planSeed({ seed: '0123456789abcdef0123456789abcdef' })).toBe('0123456789abcdef0123456789abcdef')
    for (const bad of ['0123', '0123456789ABCDEF0123456789ABCDEF', `x\u001b[31m${'0'.repeat(31)}`]) {
      expect(() => planSeed({ seed: bad })).toThrow(FlagError)
      expect(() => planSeed({ seed: bad })).toThrow(
        /^--seed: '.*' is not a plan seed \(32 lower-case hex digits/,
      )
    }
    // The operator's terminal never gets the escape back.
    const refusal = (() => {
      try {
        planSeed({ seed: '\u001b[31mred' })
        return ''
      } catch (error) {
        return (error as Error).message
      }
    })()
    expect(refusal).toContain('is not a plan seed')
    expect(refusal).not.toContain('\u001b')
  })
})
