// The planner gives each new decky a persona, keeps a surviving one's, and shares one AD domain;
// the INI refuses services the decky's OS family cannot run (issue 17).
import { describe, expect, it } from 'vitest'
import { derivePersona, type ExistingDecky, parseFleetIni } from '../src/index.ts'
import { catchDecnet, existingDecky, parseAndPlan } from './support/fixtures.ts'

describe('personas in the deploy plan', () => {
  it('each new decky gets its own persona; its hostname and MAC are the persona`s; one domain for all', () => {
    const plan = parseAndPlan(
      '[ws]\narchetype=windows-workstation\namount=3\n\n[db]\narchetype=database-server\n',
    )
    const seeds = new Set(plan.create.map((d) => d.persona.seed))
    expect(seeds.size).toBe(4)
    for (const decky of plan.create) {
      expect(decky.hostname).toBe(decky.persona.hostname)
      expect(decky.mac).toBe(decky.persona.mac)
      expect(decky.persona.family).toBe(decky.osFamily)
    }
    expect(new Set(plan.create.map((d) => d.persona.domain?.dns)).size).toBe(1)
    // Tell guarded: every MAC suffix used to follow the decky name.
    expect(new Set(plan.create.map((d) => d.mac)).size).toBe(4)
    expect(plan.create.slice(0, 3).every((d) => /^DESKTOP-[A-Z0-9]{7}$/.test(d.hostname))).toBe(true)
  })

  it('the INI [general] domain is the fleet`s AD domain', () => {
    const plan = parseAndPlan('[general]\ndomain = corp.Example.com\n\n[dc]\narchetype=domain-controller\n')
    expect(plan.create[0]?.persona.domain).toEqual({
      netbios: 'EXAMPLE',
      dns: 'corp.example.com',
      joined: true,
    })
    const bad = catchDecnet(() => parseFleetIni('[general]\ndomain = not a domain\n\n[a]\nservices=ssh\n'))
    expect(bad.message).toBe(
      `line 2, [general] domain: 'not a domain' is not a DNS domain name like corp.example.com`,
    )
  })

  it('new deckies join the domain the fleet`s personas already share, with host names not yet taken', () => {
    const persona = derivePersona({
      seed: 'aa'.repeat(16),
      osFamily: 'linux',
      distro: 'debian',
      domain: { netbios: 'KESTREL', dns: 'kestrel.lan', joined: true },
    })
    const existing: ExistingDecky[] = [
      existingDecky('old', '192.168.1.50', { persona, hostname: persona.hostname }),
    ]
    const plan = parseAndPlan('[new]\narchetype=linux-server\namount=5\n', { existing })
    for (const decky of plan.create) expect(decky.persona.domain?.dns).toBe('kestrel.lan')
    const names = [persona.hostname, ...plan.create.map((d) => d.hostname)].map((n) => n.toLowerCase())
    expect(new Set(names).size).toBe(names.length)
  })

  it('replace mode keeps a surviving decky`s persona unless its family, distro or archetype changed', () => {
    const first = parseAndPlan('[web]\narchetype=web-server\ndistro=debian\n').create[0]
    if (!first) throw new Error('no decky planned')
    const stored: ExistingDecky = { ...first, mutateIntervalMinutes: null, persona: first.persona }
    // Services changed: redeployed, same persona.
    const redeploy = parseAndPlan('[web]\narchetype=web-server\ndistro=debian\nservices=http\n', {
      existing: [stored],
      replaceFleet: true,
      seed: 99,
    })
    expect(redeploy.create[0]?.persona).toEqual(first.persona)
    expect(redeploy.create[0]?.replaces).toBe(true)
    // Distro changed: a new persona, the host name kept (same family).
    const moved = parseAndPlan('[web]\narchetype=web-server\ndistro=rocky9\n', {
      existing: [stored],
      replaceFleet: true,
      seed: 99,
    }).create[0]
    expect(moved?.persona.seed).not.toBe(first.persona.seed)
    expect(moved?.persona.os.id).toBe('rocky')
    expect(moved?.hostname).toBe(first.hostname)
  })

  it('a surviving decky stored before personas gets the persona its first deploy would store', () => {
    const legacy = existingDecky('legacy', '192.168.1.60', { mac: '00:1b:21:0a:0b:0c', services: ['ssh'] })
    const plan = parseAndPlan('[legacy]\nservices=ssh, http\n', { existing: [legacy], replaceFleet: true })
    expect(plan.create[0]).toMatchObject({ hostname: legacy.hostname, mac: '00:1b:21:0a:0b:0c' })
  })

  it('services without a family or archetype get a family that runs them all', () => {
    const plan = parseAndPlan('[sql]\nservices=mssql, smb\n\n[x]\nservices=ssh\n')
    expect(plan.create.map((d) => d.osFamily)).toEqual(['windows_server', 'linux'])
    expect(plan.create[0]?.persona.services.mssql?.product).toBe('mssql')
  })
})

describe('INI refuses services the OS family cannot run', () => {
  const refusal = (ini: string) => catchDecnet(() => parseFleetIni(ini)).message

  it('names the line, the service and where it does run', () => {
    // Tell guarded: a Linux TCP/IP stack answering MSSQL and RDP.
    expect(refusal('[a]\nnmap_os = linux\nservices = ssh, mssql\n')).toBe(
      'line 3, [a] services: service mssql cannot run on this decky (nmap_os = linux); mssql runs on: windows, windows_server',
    )
    expect(refusal('[a]\narchetype = web-server\nservices = http, rdp\n')).toBe(
      'line 3, [a] services: service rdp cannot run on this decky (archetype web-server, a linux machine); rdp runs on: windows, windows_server',
    )
    expect(refusal('[a]\narchetype = windows-workstation\nnmap_os = linux\n')).toBe(
      'line 3, [a] nmap_os: archetype windows-workstation runs rdp, which a linux decky cannot run (rdp runs on: windows, windows_server)',
    )
    expect(refusal('[a]\nservices = rdp, redis\n')).toBe(
      'line 2, [a] services: no OS family runs all of rdp, redis: rdp runs on windows, windows_server; redis runs on linux, bsd',
    )
  })
})
