import { describe, expect, it } from 'vitest'
import { codeOf, messageOf } from './support/accounts.ts'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'

// The runner is disabled: these tests pin down what the API plans and commits.
describe('fleet.preview and fleet.deploy agree (seeded plans)', () => {
  const { admin, viewer } = inProcessApiOfSuite({ env: NO_WORKERS, viewer: 'watcher' })
  const INI = '[app-01]\narchetype = linux-server\n\n[app-02]\n\n[app-03]\nservices = http\n'

  it('a deploy with the preview’s seed commits exactly the previewed deckies (names, IPs, MACs, host names, services)', async () => {
    const preview = await admin.fleet.preview({ ini: INI })
    expect(preview.seed).toMatch(/^[0-9a-f]{32}$/)
    // The same seed previews the same plan; a fresh preview draws afresh.
    expect(await admin.fleet.preview({ ini: INI, seed: preview.seed })).toEqual(preview)
    const fresh = await admin.fleet.preview({ ini: INI })
    expect(fresh.seed).not.toBe(preview.seed)
    expect(fresh.create.map((d) => d.mac)).not.toEqual(preview.create.map((d) => d.mac))

    const result = await admin.fleet.deploy({ ini: INI, seed: preview.seed, expected: preview })
    expect(result.lifecycleIds).toHaveLength(3)
    const fleet = await admin.fleet.list()
    const pick = (d: { name: string; ip: string; mac: string; hostname: string; services: string[] }) => ({
      name: d.name,
      ip: d.ip,
      mac: d.mac,
      hostname: d.hostname,
      services: d.services,
    })
    expect(fleet.map(pick)).toEqual(preview.create.map(pick))
  })

  it('a deploy whose previewed IP was taken in between is a CONFLICT naming it; nothing is written', async () => {
    const ini = '[late-01]\n\n[late-02]\narchetype = windows-workstation\n'
    const preview = await admin.fleet.preview({ ini })
    const wanted = preview.create[0]!.ip
    // Someone else takes late-01's previewed address before the deploy.
    await admin.fleet.deploy({ ini: `[squatter]\nservices = ssh\nip = ${wanted}\n` })
    const before = await admin.fleet.list()
    const refused = admin.fleet.deploy({ ini, seed: preview.seed, expected: preview })
    expect(await codeOf(refused)).toBe('CONFLICT')
    const message = await messageOf(admin.fleet.deploy({ ini, seed: preview.seed, expected: preview }))
    expect(message).toContain(`'late-01': IP ${wanted} → `)
    expect(message).toContain(`(now held by decky 'squatter')`)
    expect(message).toContain('preview again')
    expect(await admin.fleet.list()).toEqual(before)

    // Previewing again with the same seed shows the new plan, which then deploys as shown.
    const again = await admin.fleet.preview({ ini, seed: preview.seed })
    expect(again.create[0]!.ip).not.toBe(wanted)
    expect(again.create[1]!.hostname).toBe(preview.create[1]!.hostname)
    await admin.fleet.deploy({ ini, seed: again.seed, expected: again })
    const late = (await admin.fleet.list()).filter((d) => d.name.startsWith('late-'))
    expect(late.map((d) => [d.ip, d.hostname])).toEqual(again.create.map((d) => [d.ip, d.hostname]))
  })

  it('the preview shows each decky the logins it will accept: its persona accounts, different per decky, or the INI list', async () => {
    const ini =
      '[shell]\namount = 2\nservices = ssh,telnet\narchetype = linux-server\n\n[shell-02.telnet]\nlogin_policy = list\nusers = pi:raspberry\n'
    const preview = await admin.fleet.preview({ ini })
    const [one, two] = preview.create
    expect(one!.logins.map((l) => [l.service, l.policy])).toEqual([
      ['ssh', 'persona'],
      ['telnet', 'persona'],
    ])
    const accounts = one!.logins[0]!.accounts
    expect(accounts.map((a) => a.user)[0]).toBe('root')
    expect(accounts).toHaveLength(3)
    // ssh and telnet of one decky share its persona accounts (one /etc/passwd).
    expect(one!.logins[1]!.accounts).toEqual(accounts)
    // Two deckies of the same archetype: different accounts by default.
    expect(two!.logins[0]!.accounts).not.toEqual(accounts)
    expect(two!.logins[1]).toMatchObject({
      policy: 'list',
      accounts: [
        { user: 'root', password: null },
        { user: 'pi', password: 'raspberry' },
      ],
    })
    // The same seed, the same accounts: what the preview shows is what the deploy commits.
    expect((await admin.fleet.preview({ ini, seed: preview.seed })).create.map((d) => d.logins)).toEqual(
      preview.create.map((d) => d.logins),
    )
    expect((await admin.fleet.preview({ ini: '[web]\nservices = http\n' })).create[0]!.logins).toEqual([])
  })

  it('without a seed the CLI/INI deploy still works; expected without a seed, or a malformed seed, is BAD_REQUEST', async () => {
    expect((await admin.fleet.deploy({ ini: '[plain-01]\nservices = ftp\n' })).lifecycleIds).toHaveLength(1)
    const preview = await admin.fleet.preview({ ini: '[plain-02]\nservices = ftp\n' })
    expect(await codeOf(admin.fleet.deploy({ ini: '[plain-02]\nservices = ftp\n', expected: preview }))).toBe(
      'BAD_REQUEST',
    )
    expect(await codeOf(admin.fleet.preview({ ini: '[plain-02]\n', seed: 'ABC' }))).toBe('BAD_REQUEST')
    expect(await codeOf(viewer.fleet.preview({ ini: '[plain-02]\n' }))).toBe('FORBIDDEN')
  })
})

describe('secret defaults of the catalogue', () => {
  const { admin, viewer } = inProcessApiOfSuite({ env: NO_WORKERS, viewer: 'reader' })

  it('catalog.services never carries a secret default, to anyone; it says one exists', async () => {
    for (const caller of [viewer, admin]) {
      const services = await caller.catalog.services()
      const ssh = services.find((s) => s.slug === 'ssh')!
      const root = ssh.config.find((f) => f.key === 'password')!
      expect(root).toMatchObject({ secret: true })
      expect(root).not.toHaveProperty('default')
      const community = services.find((s) => s.slug === 'snmp')!.config.find((f) => f.key === 'community')!
      expect(community).toMatchObject({ secret: true, hiddenDefault: true })
      expect(community).not.toHaveProperty('default')
      for (const field of services.flatMap((s) => s.config))
        if (field.secret || field.type === 'password') expect(field.default).toBeUndefined()
      // Non-secret defaults are still shown.
      expect(services.flatMap((s) => s.config).some((f) => f.default !== undefined)).toBe(true)
      expect(JSON.stringify(services)).not.toContain('"default":"admin"')
    }
  })

  it('an admin reads one secret default on request; a viewer is FORBIDDEN; unknown keys are NOT_FOUND', async () => {
    expect(await admin.catalog.secretDefault({ service: 'snmp', key: 'community' })).toEqual({
      value: 'public',
    })
    expect(await codeOf(viewer.catalog.secretDefault({ service: 'snmp', key: 'community' }))).toBe(
      'FORBIDDEN',
    )
    // Login passwords have no catalogue default at all: each decky's persona has its own (the preview shows them).
    expect(await codeOf(admin.catalog.secretDefault({ service: 'ssh', key: 'password' }))).toBe('NOT_FOUND')
    expect(await codeOf(admin.catalog.secretDefault({ service: 'ssh', key: 'nope' }))).toBe('NOT_FOUND')
    // Not a secret: nothing to reveal here (catalog.services shows it).
    expect(await codeOf(admin.catalog.secretDefault({ service: 'ssh', key: 'banner' }))).toBe('NOT_FOUND')
  })
})
