// `[custom-<name>]` sections: a valid one becomes a decky's custom service; every hostile or wrong
// one is refused as invalid_ini naming its line (issue 23).
import { describe, expect, it } from 'vitest'
import { imageReferenceProblem, parseFleetIni } from '../src/index.ts'
import { expectDecnet } from './support/fixtures.ts'

const ECHO = `[custom-echo]
image = decnet-test/echo:1
ports = 7007, 7008/udp
command = ["sh", "-c", "echo hello; sleep 1000"]
env_greeting = hi there
`

describe('custom services in the fleet INI', () => {
  it('a decky listing a custom service gets its image, ports, command and environment', () => {
    const { deckies } = parseFleetIni(`[web]\nservices = ssh, custom-echo\n\n${ECHO}`)
    expect(deckies).toHaveLength(1)
    expect(deckies[0]?.services).toEqual(['ssh'])
    expect(deckies[0]?.customServices).toEqual([
      {
        name: 'custom-echo',
        image: 'decnet-test/echo:1',
        ports: [
          { port: 7007, protocol: 'tcp' },
          { port: 7008, protocol: 'udp' },
        ],
        command: ['sh', '-c', 'echo hello; sleep 1000'],
        env: { GREETING: 'hi there' },
      },
    ])
  })

  it('every decky of an amount= section gets it; a section nobody lists is allowed', () => {
    const { deckies } = parseFleetIni(
      `[web]\nservices = http, custom-echo\namount = 2\n${ECHO}[custom-unused]\nimage = busybox\nports = 9\n`,
    )
    expect(deckies.map((decky) => decky.customServices.map((service) => service.name))).toEqual([
      ['custom-echo'],
      ['custom-echo'],
    ])
  })

  it('whitespace commands split into words; no command keeps the image default', () => {
    const { deckies } = parseFleetIni(
      '[a]\nservices=ssh,custom-x,custom-y\n[custom-x]\nimage=localhost:5000/team/x@sha256:' +
        `${'a'.repeat(64)}\nports=81\ncommand=/bin/x  --port 81\n[custom-y]\nimage=y\nports=82\n`,
    )
    expect(deckies[0]?.customServices.map((service) => service.command)).toEqual([
      ['/bin/x', '--port', '81'],
      [],
    ])
  })

  it.each([
    ['busybox', true],
    ['busybox:1.36', true],
    ['decnet/decoy:0.1.0', true],
    ['registry.example.com:5000/a/b_c.d-e:tag', true],
    ['Busybox', false],
    ['busybox:', false],
    ['-rf', false],
    ['busybox@sha256:abc', false],
    ['a//b', false],
    ['/etc/passwd', false],
    ['busybox --privileged', false],
    [`a:${'t'.repeat(130)}`, false],
  ])('image reference %s valid: %s', (reference, valid) => {
    expect(imageReferenceProblem(reference) === undefined).toBe(valid)
  })
})

type Refusal = [title: string, body: string, fragment: string]

const REFUSALS: Refusal[] = [
  [
    'privileged flag',
    'image=busybox\nports=80\nprivileged=true',
    'line 5, [custom-bad] privileged: privileged flags',
  ],
  [
    'capabilities',
    'image=busybox\nports=80\ncap_add=NET_ADMIN',
    'line 5, [custom-bad] cap_add: privileged flags',
  ],
  ['a device', 'image=busybox\nports=80\ndevices=/dev/mem', 'line 5, [custom-bad] devices: privileged flags'],
  [
    'a host path mount',
    'image=busybox\nports=80\nvolumes=/:/host',
    'line 5, [custom-bad] volumes: host mounts are not allowed',
  ],
  [
    'a bind mount',
    'image=busybox\nports=80\nbinds=/var/run/docker.sock:/s',
    'line 5, [custom-bad] binds: host mounts',
  ],
  [
    'the host network',
    'image=busybox\nports=80\nnetwork_mode=host',
    'line 5, [custom-bad] network_mode: network and namespace overrides',
  ],
  [
    'the host pid namespace',
    'image=busybox\nports=80\npid=host',
    'line 5, [custom-bad] pid: network and namespace overrides',
  ],
  [
    'a host path as image',
    'image=/srv/evil.tar\nports=80',
    "line 3, [custom-bad] image: '/srv/evil.tar' is not an image reference",
  ],
  ['an upper-case image', 'image=Evil/Image\nports=80', 'line 3, [custom-bad] image: '],
  ['a flag as image', 'image=--privileged\nports=80', 'line 3, [custom-bad] image: '],
  ['port 0', 'image=busybox\nports=0', "line 4, [custom-bad] ports: '0' is not a port from 1 to 65535"],
  ['port 70000', 'image=busybox\nports=70000', "line 4, [custom-bad] ports: '70000' is not a port"],
  ['a port range', 'image=busybox\nports=80-90', "line 4, [custom-bad] ports: '80-90' is not a port"],
  ['sctp', 'image=busybox\nports=80/sctp', 'protocol must be one of tcp, udp'],
  [
    'a port twice',
    'image=busybox\nports=80,80/tcp',
    'line 4, [custom-bad] ports: port 80/tcp is listed twice',
  ],
  ['no image', 'ports=80', 'line 2, [custom-bad]: a custom service needs image'],
  ['no ports', 'image=busybox', 'line 2, [custom-bad]: a custom service needs ports'],
  [
    'a DECNET_ variable',
    'image=busybox\nports=80\nenv_decnet_service=ssh',
    'line 5, [custom-bad] env_decnet_service: DECNET_ variables',
  ],
  [
    'a bad variable name',
    'image=busybox\nports=80\nenv_1x=y',
    "line 5, [custom-bad] env_1x: '1X' is not an environment variable name",
  ],
  [
    'a command that is broken JSON',
    'image=busybox\nports=80\ncommand=["sh", ',
    'line 5, [custom-bad] command: a command starting with [',
  ],
  [
    'an unknown key',
    'image=busybox\nports=80\nrestart=always',
    'line 5, [custom-bad] restart: unknown key in a custom service section',
  ],
]

describe('hostile custom sections are refused at their line', () => {
  it.each(REFUSALS)('%s', (_title, body, fragment) => {
    // The section header is on line 2, its first key on line 3.
    expectDecnet(
      () => parseFleetIni(`\n[custom-bad]\n${body}\n[a]\nservices=ssh,custom-bad\n`),
      'invalid_ini',
      fragment,
    )
  })

  it('a custom port that a catalogue service of the decky listens on', () => {
    expectDecnet(
      () => parseFleetIni('[a]\nservices = ssh, custom-sshd\n[custom-sshd]\nimage=busybox\nports=22\n'),
      'invalid_ini',
      'line 2, [a] services: services ssh and custom-sshd both listen on 22/tcp',
    )
  })

  it('two custom services on one port', () => {
    expectDecnet(
      () =>
        parseFleetIni(
          '[a]\nservices=ssh,custom-x,custom-y\n[custom-x]\nimage=x\nports=99\n[custom-y]\nimage=y\nports=99\n',
        ),
      'invalid_ini',
      'line 2, [a] services: services custom-x and custom-y both listen on 99/tcp',
    )
  })

  it('a custom service without its section', () => {
    expectDecnet(
      () => parseFleetIni('[a]\nservices=ssh,custom-ghost\n'),
      'invalid_ini',
      'line 2, [a] services: no [custom-ghost] section',
    )
  })

  it('only custom services', () => {
    expectDecnet(
      () => parseFleetIni('[a]\nservices=custom-x\n[custom-x]\nimage=x\nports=99\n'),
      'invalid_ini',
      'line 2, [a] services: a decky needs at least one catalogue service',
    )
  })

  it('a section name that is not a custom service name', () => {
    expectDecnet(
      () => parseFleetIni('[custom-Bad_Name]\nimage=x\nports=1\n[a]\nservices=ssh\n'),
      'invalid_ini',
      'line 1, [custom-Bad_Name]: invalid custom service name',
    )
  })
})
