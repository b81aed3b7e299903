// buildIni: the INI a draft renders is parsed back by core's strict reader (what the API runs) and
// must describe exactly the drafted fleet.
import { ARCHETYPE_SLUGS, parseFleetIni } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import { buildIni, SECRET_MASK } from '@/app/(console)/fleet/deploy/wizard/build-ini.ts'
import type { Draft } from '@/app/(console)/fleet/deploy/wizard/draft.ts'
import { validateDraft } from '@/app/(console)/fleet/deploy/wizard/validate.ts'
import { contextWith, draftWith } from './context.ts'

function rendered(draft: Draft, taken: string[] = [], maskSecrets = false) {
  const result = buildIni(draft, contextWith(taken), { maskSecrets })
  if (!result.ok) throw new Error(`expected an INI, got: ${result.error}`)
  return { ...result, fleet: parseFleetIni(result.ini) }
}

describe('buildIni', () => {
  it('hand-picked services with every kind of setting, explicit IPs, host, distro and interval', () => {
    const draft = draftWith({
      picked: ['http', 'ssh'],
      count: 2,
      ipMode: 'explicit',
      explicitIps: '10.0.0.21\n10.0.0.22',
      placement: 'edge-1',
      distro: 'debian',
      intervalMode: 'custom',
      interval: ' 2h ',
      settings: {
        http: {
          response_code: 404,
          fake_app: 'wordpress',
          custom_body: 'first line\n  second = line [x]\n',
          http_versions: ['http/1.1', 'http/2'],
          server_header: '',
        },
        ssh: { password: 'p@ss; #word', hostname: 'db-box' },
        // A service that is not chosen: its settings are not written.
        ftp: { banner: 'never' },
      },
    })
    expect(validateDraft(draft, contextWith(['web-01'])).configure).toEqual({})
    const { fleet, hasSecrets } = rendered(draft, ['web-01'])
    expect(hasSecrets).toBe(true)
    expect(fleet.general).toEqual({})
    expect(
      fleet.deckies.map((d) => ({
        name: d.name,
        ip: d.ip,
        host: d.host,
        services: d.services,
        archetype: d.archetype,
        distro: d.distro,
        minutes: d.mutateIntervalMinutes,
        serviceConfig: d.serviceConfig,
      })),
    ).toEqual(
      ['web-02', 'web-03'].map((name, i) => ({
        name,
        ip: `10.0.0.2${i + 1}`,
        host: 'edge-1',
        services: ['http', 'ssh'],
        archetype: null,
        distro: 'debian',
        minutes: 120,
        serviceConfig: {
          http: {
            response_code: 404,
            fake_app: 'wordpress',
            custom_body: 'first line\n  second = line [x]\n',
            http_versions: ['http/1.1', 'http/2'],
          },
          ssh: { password: 'p@ss; #word', hostname: 'db-box' },
        },
      })),
    )
  })

  it.each(ARCHETYPE_SLUGS)(
    'archetype %s: one decky per explicit name, following the global interval',
    (slug) => {
      const draft = draftWith({
        pickMode: 'archetype',
        archetype: slug,
        namingMode: 'explicit',
        explicitNames: 'a-1, b-2',
      })
      const { fleet, hasSecrets } = rendered(draft)
      expect(hasSecrets).toBe(false)
      expect(
        fleet.deckies.map((d) => [d.name, d.archetype, d.services, d.ip, d.host, d.mutateIntervalMinutes]),
      ).toEqual([
        ['a-1', slug, null, null, null, null],
        ['b-2', slug, null, null, null, null],
      ])
    },
  )

  it('masks secret settings for display, and the masked INI still parses', () => {
    const draft = draftWith({
      picked: ['ssh', 'https'],
      settings: { ssh: { password: 'hunter2-root', user: 'root' }, https: { tls_key: 'KEY-MATERIAL' } },
    })
    const plain = rendered(draft)
    const masked = rendered(draft, [], true)
    expect(plain.ini).toContain('hunter2-root')
    expect(masked.ini).not.toContain('hunter2-root')
    expect(masked.ini).not.toContain(btoa('KEY-MATERIAL'))
    const config = masked.fleet.deckies[0]?.serviceConfig
    expect(config).toEqual({ ssh: { password: SECRET_MASK, user: 'root' }, https: { tls_key: SECRET_MASK } })
  })

  it('a draft without secrets says so, and empty settings keep the defaults', () => {
    const { ini, hasSecrets, fleet } = rendered(draftWith({ settings: { http: { server_header: '' } } }))
    expect(hasSecrets).toBe(false)
    expect(ini).toBe('[web-01]\nservices = http\n')
    expect(fleet.deckies[0]?.serviceConfig).toEqual({})
  })

  it("topology networks and each decky's memberships read back as the same topology", () => {
    const draft = draftWith({
      picked: ['ssh'],
      prefix: 'maze',
      count: 3,
      networks: [
        { id: 1, name: 'dmz', subnet: ' 10.77.1.0/24 ', entry: true },
        { id: 2, name: 'office', subnet: '10.77.2.0/24', entry: false },
      ],
      // Ticked office first on the pivot: the listed order decides, the entry network comes first.
      memberships: [[2, 1], [2], []],
    })
    expect(validateDraft(draft, contextWith()).configure).toEqual({})
    const { fleet } = rendered(draft)
    expect(fleet.topology?.networks.map((network) => [network.name, network.subnet, network.entry])).toEqual([
      ['dmz', '10.77.1.0/24', true],
      ['office', '10.77.2.0/24', false],
    ])
    expect(fleet.topology?.attachments).toEqual({
      'maze-01': ['dmz', 'office'],
      'maze-02': ['office'],
      'maze-03': ['dmz'],
    })
  })
})
