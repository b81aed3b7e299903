import { describe, expect, it } from 'vitest'
import { attackTechnique } from '../../src/intel/rules/attack.ts'
import { credentialPatternTechniques } from '../../src/intel/rules/credentials.ts'

const attempts = (pairs: [string, string][]) => pairs.map(([username, password]) => ({ username, password }))

describe('credential patterns (T1110 sub-techniques across attempts)', () => {
  it('one password against many accounts is spraying (T1110.003), the password kept out of the evidence', () => {
    const found = credentialPatternTechniques(
      attempts([
        ['alice', 'Winter2026!'],
        ['bob', 'Winter2026!'],
        ['carol', 'Winter2026!'],
        ['dave', 'Winter2026!'],
      ]),
    )
    expect(found).toEqual([
      {
        technique: 'T1110.003',
        ruleId: 'technique.brute-force.spraying',
        evidence: 'one password tried against 4 accounts ("alice", "bob", "carol", "dave")',
      },
    ])
    expect(JSON.stringify(found)).not.toContain('Winter2026')
  })

  it('many passwords against one account is guessing (T1110.001)', () => {
    const found = credentialPatternTechniques(
      attempts(['1', '2', '3', '4', '5', '5'].map((p) => ['root', p])),
    )
    expect(found).toEqual([
      {
        technique: 'T1110.001',
        ruleId: 'technique.brute-force.guessing',
        evidence: '5 passwords tried against "root"',
      },
    ])
  })

  it('below the thresholds (a typo, two accounts) nothing is tagged', () => {
    expect(
      credentialPatternTechniques(
        attempts([
          ['root', 'a'],
          ['root', 'b'],
          ['admin', 'a'],
        ]),
      ),
    ).toEqual([])
    expect(credentialPatternTechniques([])).toEqual([])
  })

  it('tags techniques the catalogue knows', () => {
    expect(attackTechnique('T1110.003')?.name).toBe('Brute Force: Password Spraying')
  })
})
