// §8.1 pickNewServices, interval parsing, and mutation scheduling.
import { describe, expect, it } from 'vitest'
import {
  archetypeLabel,
  checkMutationServices,
  DecnetError,
  formatInterval,
  isMutationDue,
  parseInterval,
  pickNewServices,
  SERVICE_SLUGS,
  seededRandom,
} from '../src/index.ts'

describe('§8.1 pickNewServices', () => {
  it('draws from the archetype pool, 1..3 services, different from the current set', () => {
    const random = seededRandom(3)
    for (let i = 0; i < 200; i++) {
      const picked = pickNewServices(
        { archetype: 'database-server', services: ['mysql', 'postgres', 'redis'] },
        random,
      )
      expect(picked.length).toBeGreaterThanOrEqual(1)
      expect(picked.length).toBeLessThanOrEqual(3)
      for (const s of picked) expect(['mysql', 'postgres', 'redis']).toContain(s)
      expect(new Set(picked)).not.toEqual(new Set(['mysql', 'postgres', 'redis']))
    }
  })

  it('single-service archetypes can only return their one service (a no-op swap)', () => {
    expect(pickNewServices({ archetype: 'voip-server', services: ['sip'] }, seededRandom(1))).toEqual(['sip'])
    expect(pickNewServices({ archetype: 'deaddeck', services: ['ssh'] }, seededRandom(1))).toEqual(['ssh'])
  })

  it('without an archetype (or an unknown one) uses all 30 services, never two on one port', () => {
    const random = seededRandom(9)
    for (let i = 0; i < 500; i++) {
      const picked = pickNewServices({ archetype: i % 2 ? 'no-such' : null, services: ['ssh'] }, random)
      for (const s of picked) expect(SERVICE_SLUGS).toContain(s)
      expect(picked.includes('smtp') && picked.includes('smtp_relay')).toBe(false)
      expect(picked).not.toEqual(['ssh'])
    }
  })

  it('still differs when the random source always repeats the current set', () => {
    // random() = 0 always draws count=1 and the first pool entry: exactly the current set.
    const picked = pickNewServices({ archetype: 'linux-server', services: ['http'] }, () => 0)
    expect(picked).toEqual(['ssh'])
    expect(pickNewServices({ archetype: 'linux-server', services: ['ssh'] }, () => 0)).toEqual(['http'])
  })

  it('is reproducible for a given seed', () => {
    const decky = { archetype: null, services: ['ssh'] }
    expect(pickNewServices(decky, seededRandom(5))).toEqual(pickNewServices(decky, seededRandom(5)))
  })
})

describe('intervals', () => {
  it.each([
    ['30m', 30],
    ['2h', 120],
    ['1d', 1440],
    ['1w', 10080],
    ['1M', 43200],
    ['1y', 525600],
    ['10y', 5256000],
  ])('%s = %d minutes', (text, minutes) => {
    expect(parseInterval(text)).toBe(minutes)
    expect(parseInterval(formatInterval(minutes))).toBe(minutes)
  })

  it('null is off', () => {
    expect(parseInterval(null)).toBeNull()
    expect(formatInterval(null)).toBeNull()
  })

  it.each(['', '0m', '1s', '60', '1h30m', '-5m', '1.5h', 'm', '1Y ', '11y', '99999999m'])(
    'rejects %j with a typed invalid_input error',
    (text) => {
      try {
        parseInterval(text)
        expect.unreachable()
      } catch (error) {
        expect(error).toBeInstanceOf(DecnetError)
        expect((error as DecnetError).code).toBe('invalid_input')
        expect((error as DecnetError).message).toContain('invalid interval')
      }
    },
  )

  it('formats the shortest exact unit', () => {
    expect(formatInterval(90)).toBe('90m')
    expect(formatInterval(120)).toBe('2h')
    expect(formatInterval(20160)).toBe('2w')
  })
})

describe('isMutationDue', () => {
  const now = new Date('2026-01-01T12:00:00Z')
  it('uses the decky interval, else the global one; null/null is never', () => {
    const last = '2026-01-01T11:00:00Z'
    expect(isMutationDue({ mutateIntervalMinutes: 30, lastMutatedAt: last }, null, now)).toBe(true)
    expect(isMutationDue({ mutateIntervalMinutes: 120, lastMutatedAt: last }, 30, now)).toBe(false)
    expect(isMutationDue({ mutateIntervalMinutes: null, lastMutatedAt: last }, 30, now)).toBe(true)
    expect(isMutationDue({ mutateIntervalMinutes: null, lastMutatedAt: last }, null, now)).toBe(false)
  })

  it('measures a never-mutated decky from its creation', () => {
    const createdAt = new Date('2026-01-01T11:50:00Z')
    expect(isMutationDue({ mutateIntervalMinutes: 30, lastMutatedAt: null, createdAt }, null, now)).toBe(
      false,
    )
    expect(isMutationDue({ mutateIntervalMinutes: 5, lastMutatedAt: null, createdAt }, null, now)).toBe(true)
  })
})

describe('checkMutationServices: an operator-chosen set follows the draw rules', () => {
  it('accepts 1..3 services of the pool and returns them in pool order', () => {
    expect(
      checkMutationServices({ archetype: 'database-server', services: ['mysql'] }, ['redis', 'mysql']),
    ).toEqual(['mysql', 'redis'])
  })

  it('refuses services outside the archetype pool, the OS family, or the catalogue', () => {
    const refusal = (decky: Parameters<typeof checkMutationServices>[0], services: string[]) => {
      try {
        checkMutationServices(decky, services)
        return 'accepted'
      } catch (error) {
        return error instanceof DecnetError ? `${error.code}: ${error.message}` : String(error)
      }
    }
    expect(refusal({ archetype: 'linux-server', services: ['ssh'] }, ['mysql'])).toBe(
      'invalid_input: mysql is not in the pool of the linux-server archetype',
    )
    expect(refusal({ archetype: null, osFamily: 'linux', services: ['ssh'] }, ['rdp'])).toBe(
      'invalid_input: rdp is not in the pool of the catalogue on linux',
    )
    expect(refusal({ services: ['ssh'] }, ['gopher'])).toBe('invalid_input: unknown service gopher')
    expect(refusal({ services: ['ssh'] }, [])).toBe('invalid_input: a mutation gives 1 to 3 services')
    expect(refusal({ services: ['ssh'] }, ['ssh', 'http', 'ftp', 'smb'])).toBe(
      'invalid_input: a mutation gives 1 to 3 services',
    )
    expect(refusal({ services: ['ssh'] }, ['ssh', 'ssh'])).toBe('invalid_input: a service is named twice')
    expect(refusal({ services: ['ssh'] }, ['smtp', 'smtp_relay'])).toMatch(
      /^invalid_input: smtp and smtp_relay both listen on 25\/tcp$/,
    )
  })

  it('every random draw passes the check (one rule, two paths)', () => {
    const random = seededRandom(5)
    for (let i = 0; i < 300; i++) {
      const decky = { archetype: i % 3 ? 'mail-server' : null, osFamily: 'linux', services: ['ssh'] }
      const drawn = pickNewServices(decky, random)
      expect(checkMutationServices(decky, drawn)).toEqual(drawn)
    }
  })
})

describe('archetypeLabel: honest once the services are not the archetype set', () => {
  it('says the slug for the standard set, mutated or custom otherwise', () => {
    expect(archetypeLabel({ archetype: 'linux-server', services: ['http', 'ssh'] })).toBe('linux-server')
    expect(archetypeLabel({ archetype: 'linux-server', services: ['ssh'], lastMutatedAt: new Date() })).toBe(
      'linux-server (mutated)',
    )
    expect(archetypeLabel({ archetype: 'linux-server', services: ['ssh'], lastMutatedAt: null })).toBe(
      'linux-server (custom services)',
    )
    expect(archetypeLabel({ archetype: null, services: ['ssh'] })).toBe('custom')
  })
})
