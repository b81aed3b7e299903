// Custom services and live service edits through the router (issue 23). The runner is disabled:
// these pin down what the API refuses and commits; the lifecycle's Docker tests show the containers.
import { describe, expect, it } from 'vitest'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'

const refusal = (call: Promise<unknown>) =>
  call.then(
    () => 'accepted',
    (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
  )

const ECHO = '[custom-echo]\nimage = decnet-test/echo:1\nports = 7007\nenv_api_key = s3cret\n'

describe('custom services on the local engine', () => {
  const { admin } = inProcessApiOfSuite({ env: NO_WORKERS })

  it('are refused at deploy, naming the decky line: the local engine runs no images', async () => {
    expect(await refusal(admin.fleet.deploy({ ini: `[web]\nservices = ssh, custom-echo\n${ECHO}` }))).toBe(
      "BAD_REQUEST: line 1, [web]: decky 'web': custom services (custom-echo) need the Docker engine; the local engine runs no images",
    )
  })

  it('hostile sections are refused with their line before anything else', async () => {
    const hostile = `[web]\nservices = ssh, custom-echo\n[custom-echo]\nimage = busybox\nports = 80\nprivileged = true\n`
    expect(await refusal(admin.fleet.deploy({ ini: hostile }))).toMatch(
      /^BAD_REQUEST: line 6, \[custom-echo\] privileged: privileged flags/,
    )
    expect(
      await refusal(
        admin.fleet.deploy({
          ini: '[web]\nservices=ssh,custom-x\n[custom-x]\nimage=x\nports=80\nvolumes=/:/h\n',
        }),
      ),
    ).toMatch(/^BAD_REQUEST: line 6, \[custom-x\] volumes: host mounts are not allowed/)
    expect(await admin.fleet.list()).toHaveLength(0)
  })
})

describe('custom services and fleet.editServices on the Docker engine (commit side)', () => {
  const { admin } = inProcessApiOfSuite({ env: { ...NO_WORKERS, DECNET_ENGINE: 'docker' } })

  it('a deployed custom service is stored with its environment masked on the wire', async () => {
    await admin.fleet.deploy({ ini: `[web]\nservices = ssh, custom-echo\n${ECHO}` })
    const decky = await admin.fleet.get({ name: 'web' })
    expect(decky.services).toEqual(['ssh'])
    expect(decky.customServices).toEqual([
      {
        name: 'custom-echo',
        image: 'decnet-test/echo:1',
        ports: [{ port: 7007, protocol: 'tcp' }],
        command: [],
        env: { API_KEY: '••••••••' },
      },
    ])
  })

  it('adds and removes services as edit_services operations recording before → after', async () => {
    await admin.fleet.deploy({ ini: '[box]\nservices = ssh\n' })
    const added = await admin.fleet.editServices({
      name: 'box',
      add: ['http', 'custom-web'],
      customSections: '[custom-web]\nimage = decnet-test/echo:1\nports = 8081\n',
    })
    expect(added).toMatchObject({ oldServices: ['ssh'], newServices: ['ssh', 'http', 'custom-web'] })
    const removed = await admin.fleet.editServices({ name: 'box', remove: ['http'] })
    expect(removed.newServices).toEqual(['ssh', 'custom-web'])
    const decky = await admin.fleet.get({ name: 'box' })
    expect([decky.services, decky.customServices.map((service) => service.name)]).toEqual([
      ['ssh'],
      ['custom-web'],
    ])
    const { rows } = await admin.fleet.history({ name: 'box' })
    expect(rows.map((row) => [row.operation, row.fromServices, row.toServices])).toEqual([
      ['edit_services', ['ssh', 'http', 'custom-web'], ['ssh', 'custom-web']],
      ['edit_services', ['ssh'], ['ssh', 'http', 'custom-web']],
      ['deploy', null, null],
    ])
    expect(rows[0]).toMatchObject({ id: removed.lifecycleId, trigger: 'operator', actor: 'admin' })
  })

  it('refuses what a deploy would refuse, and commits nothing', async () => {
    await admin.fleet.deploy({ ini: '[gate]\nservices = ssh\n' })
    const cases: Array<[Parameters<typeof admin.fleet.editServices>[0], string]> = [
      [
        { name: 'gate', add: ['custom-sshd'], customSections: '[custom-sshd]\nimage=busybox\nports=22\n' },
        "BAD_REQUEST: decky 'gate': services ssh and custom-sshd would both listen on 22/tcp",
      ],
      [
        {
          name: 'gate',
          add: ['custom-bad'],
          customSections: '\n[custom-bad]\nimage=busybox\nports=80\ncap_add=ALL\n',
        },
        'BAD_REQUEST: line 5, [custom-bad] cap_add: privileged flags',
      ],
      [
        { name: 'gate', add: ['custom-ghost'] },
        "BAD_REQUEST: decky 'gate': no [custom-ghost] section defines",
      ],
      [{ name: 'gate', add: ['rdp'] }, "BAD_REQUEST: decky 'gate': service rdp cannot run on a linux decky"],
      [
        { name: 'gate', remove: ['ssh'] },
        "BAD_REQUEST: decky 'gate': a decky keeps at least one catalogue service",
      ],
      [{ name: 'gate', remove: ['ftp'] }, "BAD_REQUEST: decky 'gate': it does not run 'ftp'"],
      [{ name: 'gate', add: ['ssh'] }, "BAD_REQUEST: decky 'gate': it already runs 'ssh'"],
      [{ name: 'gate' }, "BAD_REQUEST: decky 'gate': nothing to add or remove"],
      [{ name: 'nowhere', add: ['http'] }, 'NOT_FOUND: no decky named nowhere'],
    ]
    for (const [input, expected] of cases)
      expect(await refusal(admin.fleet.editServices(input))).toContain(expected)
    expect((await admin.fleet.history({ name: 'gate' })).rows.map((row) => row.operation)).toEqual(['deploy'])
  })
})
