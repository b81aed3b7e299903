// validateDraft/buildIni: every message of the wizard's catalogue is produced by some draft, under
// the step and field it belongs to, and a clean draft produces none.
import { describe, expect, it } from 'vitest'
import { buildIni } from '@/app/(console)/fleet/deploy/wizard/build-ini.ts'
import type { Draft } from '@/app/(console)/fleet/deploy/wizard/draft.ts'
import {
  canLeaveStep,
  type DraftErrors,
  type DraftMessageKey,
  DRAFT_MESSAGES as M,
  stepMessages,
  validateDraft,
} from '@/app/(console)/fleet/deploy/wizard/validate.ts'
import { contextWith, draftWith, fieldLabel, serviceName } from './context.ts'

type Where = { [S in keyof DraftErrors]: { step: S; field: keyof DraftErrors[S] } }[keyof DraftErrors]

interface Case {
  draft: Partial<Draft>
  taken?: string[]
  where: Where
  message: string
}

const cases = {
  noServices: {
    draft: { picked: [] },
    where: { step: 'services', field: 'services' },
    message: M.noServices(),
  },
  portClash: {
    draft: { picked: ['smtp', 'smtp_relay'] },
    where: { step: 'services', field: 'services' },
    message: M.portClash('smtp', 'smtp_relay', '25/tcp'),
  },
  badPrefix: {
    draft: { prefix: '-web' },
    where: { step: 'configure', field: 'names' },
    message: M.badPrefix(),
  },
  noNames: {
    draft: { namingMode: 'explicit', explicitNames: ' , \n' },
    where: { step: 'configure', field: 'names' },
    message: M.noNames(),
  },
  badName: {
    draft: { namingMode: 'explicit', explicitNames: 'ok-1, Web_01' },
    where: { step: 'configure', field: 'names' },
    message: M.badName('Web_01'),
  },
  nameTaken: {
    draft: { namingMode: 'explicit', explicitNames: 'web-01' },
    taken: ['web-01'],
    where: { step: 'configure', field: 'names' },
    message: M.nameTaken('web-01'),
  },
  nameRepeated: {
    draft: { namingMode: 'explicit', explicitNames: 'a-1 b-1\na-1' },
    where: { step: 'configure', field: 'names' },
    message: M.nameRepeated(),
  },
  ipCount: {
    draft: { count: 2, ipMode: 'explicit', explicitIps: '10.0.0.5' },
    where: { step: 'configure', field: 'ips' },
    message: 'Give exactly one IP per decky (2 deckies, 1 IPs).',
  },
  badIp: {
    draft: { ipMode: 'explicit', explicitIps: '10.0.0.300' },
    where: { step: 'configure', field: 'ips' },
    message: M.badIp('10.0.0.300'),
  },
  ipRepeated: {
    draft: { count: 2, ipMode: 'explicit', explicitIps: '10.0.0.5, 10.0.0.5' },
    where: { step: 'configure', field: 'ips' },
    message: M.ipRepeated(),
  },
  badSetting: {
    draft: { settings: { http: { response_code: 42 } } },
    where: { step: 'configure', field: 'settings' },
    message: M.badSetting(
      serviceName('http'),
      fieldLabel('http', 'response_code'),
      'must be at least 100, got 42',
    ),
  },
  badNetworkName: {
    draft: { networks: [{ id: 1, name: 'Office', subnet: '10.77.2.0/24', entry: true }] },
    where: { step: 'configure', field: 'networks' },
    message: M.badNetworkName('Office'),
  },
  networkRepeated: {
    draft: {
      networks: [
        { id: 1, name: 'dmz', subnet: '10.77.1.0/24', entry: true },
        { id: 2, name: 'dmz', subnet: '10.77.2.0/24', entry: false },
      ],
    },
    where: { step: 'configure', field: 'networks' },
    message: M.networkRepeated(),
  },
  badSubnet: {
    draft: { networks: [{ id: 1, name: 'dmz', subnet: '10.77.1.0', entry: true }] },
    where: { step: 'configure', field: 'networks' },
    message: M.badSubnet('dmz'),
  },
  entryCount: {
    draft: { networks: [{ id: 1, name: 'dmz', subnet: '10.77.1.0/24', entry: false }] },
    where: { step: 'configure', field: 'networks' },
    message: M.entryCount(),
  },
  networksWithHost: {
    draft: { placement: 'edge-1', networks: [{ id: 1, name: 'dmz', subnet: '10.77.1.0/24', entry: true }] },
    where: { step: 'configure', field: 'networks' },
    message: M.networksWithHost(),
  },
  badInterval: {
    draft: { intervalMode: 'custom', interval: '30 minutes' },
    where: { step: 'mutation', field: 'interval' },
    message: M.badInterval(),
  },
} satisfies Partial<Record<DraftMessageKey, Case>>

function messagesAt(errors: DraftErrors, where: Where): string[] {
  const step: Partial<Record<string, string[]>> = errors[where.step]
  return step[where.field] ?? []
}

describe('validateDraft', () => {
  it('finds nothing wrong with a clean draft, and every step may be left', () => {
    const errors = validateDraft(draftWith(), contextWith())
    expect(errors).toEqual({ services: {}, configure: {}, mutation: {} })
    expect([0, 1, 2, 3].every((step) => canLeaveStep(errors, step as 0 | 1 | 2 | 3))).toBe(true)
  })

  it.each(Object.entries(cases))('%s: reported under its step and field', (_key, c: Case) => {
    const errors = validateDraft(draftWith(c.draft), contextWith(c.taken))
    expect(messagesAt(errors, c.where)).toContain(c.message)
    // Nothing leaks into the other steps.
    for (const step of ['services', 'configure', 'mutation'] as const) {
      if (step !== c.where.step) expect(stepMessages(errors, step)).toEqual([])
    }
  })

  it('a problem blocks its own step and every later one, not the earlier ones', () => {
    const errors = validateDraft(draftWith(cases.badInterval.draft), contextWith())
    expect([0, 1, 2, 3].map((step) => canLeaveStep(errors, step as 0 | 1 | 2 | 3))).toEqual([
      true,
      true,
      false,
      false,
    ])
    const early = validateDraft(draftWith(cases.badPrefix.draft), contextWith())
    expect([0, 1, 2].map((step) => canLeaveStep(early, step as 0 | 1 | 2))).toEqual([true, false, false])
  })

  it('archetype mode takes the archetype services; no archetype means no services', () => {
    const none = validateDraft(draftWith({ pickMode: 'archetype', archetype: null }), contextWith())
    expect(stepMessages(none, 'services')).toEqual([M.noServices()])
    const picked = validateDraft(
      draftWith({ pickMode: 'archetype', archetype: 'mail-server' }),
      contextWith(),
    )
    expect(picked.services).toEqual({})
  })

  it('settings of services that are not chosen are not checked', () => {
    const errors = validateDraft(
      draftWith({ picked: ['ssh'], settings: { http: { response_code: 42 } } }),
      contextWith(),
    )
    expect(errors.configure).toEqual({})
  })

  it('with a prefix, names already in the fleet are skipped rather than reported', () => {
    const errors = validateDraft(draftWith({ count: 2 }), contextWith(['web-01']))
    expect(errors.configure).toEqual({})
  })
})

describe('settings', () => {
  it('a setting the INI cannot carry unchanged is reported with the reason', () => {
    const errors = validateDraft(
      draftWith({ picked: ['ssh'], settings: { ssh: { hostname: ' box ' } } }),
      contextWith(),
    )
    expect(errors.configure.settings).toEqual([
      M.badSetting(
        serviceName('ssh'),
        fieldLabel('ssh', 'hostname'),
        'it would not read back unchanged (whitespace, duplicates or line breaks)',
      ),
    ])
  })
  it('login accounts must be user:password pairs with Unix login names, as the INI reader wants them', () => {
    const errors = validateDraft(
      draftWith({ picked: ['ssh'], settings: { ssh: { users: 'Oracle:Tiger1' } } }),
      contextWith(),
    )
    expect(errors.configure.settings).toEqual([
      M.badSetting(
        serviceName('ssh'),
        fieldLabel('ssh', 'users'),
        '"Oracle" is not a Unix login name (a-z, 0-9, _ and -)',
      ),
    ])
    const fine = validateDraft(
      draftWith({
        picked: ['ssh'],
        settings: { ssh: { users: 'oracle:Tiger1,pi:rasp:berry', login_policy: 'list' } },
      }),
      contextWith(),
    )
    expect(fine.configure).toEqual({})
  })
  it('a key the service does not have (a stale draft) is reported, not written', () => {
    const errors = validateDraft(draftWith({ settings: { http: { nonsense: 'x' } } }), contextWith())
    expect(errors.configure.settings).toEqual([
      M.badSetting(serviceName('http'), 'nonsense', 'no such setting'),
    ])
  })
  it('multi-line text, text that starts with b64:, lists and booleans are fine', () => {
    const settings = {
      http: { custom_body: 'line one\nline two', extra_headers: 'b64:not really', http_versions: ['http/2'] },
    }
    expect(validateDraft(draftWith({ settings }), contextWith()).configure).toEqual({})
    expect(
      validateDraft(draftWith({ picked: ['rdp'], settings: { rdp: { nla: false } } }), contextWith())
        .configure,
    ).toEqual({})
  })
})

describe('the message catalogue', () => {
  it('iniNotWritable: buildIni reports a value the writer refuses instead of throwing', () => {
    const result = buildIni(draftWith(cases.badSetting.draft), contextWith())
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.startsWith(M.iniNotWritable(''))).toBe(true)
    expect(result.error).toContain('response_code')
    expect(result.error).toContain('at least 100')
  })

  it('every message the wizard can show is produced by a test draft above', () => {
    const produced = new Set<string>([...Object.keys(cases), 'iniNotWritable'])
    expect(Object.keys(M).filter((key) => !produced.has(key))).toEqual([])
  })
})
