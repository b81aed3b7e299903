// Malformed and hostile INIs (anchors.md §D.5, PRODUCT.md §4): each must fail with the typed
// error, the right code, and a message naming what and where.
import { afterAll, describe, expect, it } from 'vitest'
import type { DecnetErrorCode } from '../src/index.ts'
import { existingDecky, expectDecnet, parseAndPlan } from './support/fixtures.ts'

type Case = [title: string, ini: string, code: DecnetErrorCode, fragment: string]

const ok = '[ok]\nservices=ssh\n'

const CASES: Case[] = [
  // Parser level
  ['empty string', '', 'invalid_ini', 'INI is empty'],
  ['whitespace only', ' \n\t\r\n  ', 'invalid_ini', 'INI is empty'],
  ['BOM only', '\uFEFF', 'invalid_ini', 'INI is empty'],
  ['comments only', '# nothing\n; here\n', 'invalid_ini', 'no [section] headers'],
  [
    'key before any section',
    'services=ssh\n[a]\n',
    'invalid_ini',
    "line 1: 'services=ssh' appears before any [section]",
  ],
  ['NUL byte', '[a]\nservices=ssh\u0000\n', 'invalid_ini', 'line 2: INI contains a NUL byte'],
  ['bell control character', '[a]\nservices=ssh\u0007\n', 'invalid_ini', 'control character U+0007'],
  ['escape sequence in value', '[a]\nservices=\u001b[31mssh\n', 'invalid_ini', 'U+001B'],
  ['600 KiB input', `${ok}#${'x'.repeat(600 * 1024)}\n`, 'invalid_ini', 'larger than the maximum of 512 KiB'],
  ['512 KiB of multi-byte characters', `${ok}#${'é'.repeat(300 * 1024)}\n`, 'invalid_ini', '512 KiB'],
  [
    'unterminated section header',
    '[a\nservices=ssh\n',
    'invalid_ini',
    "line 1: malformed section header '[a'",
  ],
  ['empty section name', '[]\nservices=ssh\n', 'invalid_ini', 'line 1: empty section name'],
  ['line without delimiter', '[a]\nservices\n', 'invalid_ini', "line 2, [a]: expected 'key = value'"],
  ['missing key', '[a]\n= ssh\n', 'invalid_ini', 'missing key'],
  [
    'indented continuation line',
    '[a]\nservices=ssh\n  http\n',
    'invalid_ini',
    "line 3, [a]: expected 'key = value'",
  ],
  [
    'duplicate section',
    `${ok}[b]\nservices=ssh\n[ok]\nservices=http\n`,
    'invalid_ini',
    'line 5, [ok]: duplicate section (first defined on line 1)',
  ],
  [
    'duplicate key',
    '[a]\nservices=ssh\nservices=http\n',
    'invalid_ini',
    'line 3, [a] services: duplicate key (first set on line 2)',
  ],
  ['keys differing only in case', '[a]\nservices=ssh\nSERVICES=http\n', 'invalid_ini', 'duplicate key'],
  [
    'alias and canonical key together',
    '[a]\nservices=ssh\nnmap_os=linux\nnmap-os=bsd\n',
    'invalid_ini',
    'nmap_os is already set on line 3',
  ],
  [
    'duplicate persona key',
    `${ok}[ok.ssh]\nuser=a\nuser=b\n`,
    'invalid_ini',
    'line 5, [ok.ssh] user: duplicate key',
  ],
  [
    'lone surrogate (invalid UTF-8 upstream)',
    '[a]\nservices=ssh\n[a.ssh]\nuser=x\uD800y\n',
    'invalid_ini',
    'line 4: text is not valid Unicode',
  ],
  [
    '10,000 sections',
    Array.from({ length: 10_000 }, (_, i) => `[d${i}]`).join('\n'),
    'invalid_ini',
    'more than 500 deckies',
  ],
  [
    '20,000-character line',
    `[a]\nservices=ssh\nhost=${'h'.repeat(20_000)}\n`,
    'invalid_ini',
    'is not a valid host name',
  ],
  // Prototype pollution
  [
    '[__proto__] section',
    '[__proto__]\nservices=ssh\n',
    'invalid_ini',
    "section name '__proto__' is not allowed",
  ],
  [
    '[constructor] section',
    '[constructor]\nservices=ssh\n',
    'invalid_ini',
    "section name 'constructor' is not allowed",
  ],
  [
    '[prototype] section',
    '[prototype]\nservices=ssh\n',
    'invalid_ini',
    "section name 'prototype' is not allowed",
  ],
  ['[__proto__.ssh] section', '[__proto__.ssh]\nuser=x\n', 'invalid_ini', "'__proto__' is not allowed"],
  ['__proto__ key', '[a]\n__proto__=x\n', 'invalid_ini', '[a] __proto__: key name is not allowed'],
  ['constructor key', '[a]\nconstructor = x\n', 'invalid_ini', '[a] constructor: key name is not allowed'],
  [
    '__proto__ key in persona',
    `${ok}[ok.ssh]\n__proto__=x\n`,
    'invalid_ini',
    '__proto__: key name is not allowed',
  ],
  [
    'constructor.prototype.x key',
    '[a]\nconstructor.prototype.polluted=yes\n',
    'invalid_ini',
    'keys may only contain',
  ],
  ['__proto__ key in general', '[general]\n__proto__ = 1\n[a]\n', 'invalid_ini', 'key name is not allowed'],
  // Unsupported sections
  [
    '[DEFAULT] section',
    '[DEFAULT]\nservices=ssh\n[a]\n',
    'invalid_ini',
    '[DEFAULT] sections are not supported',
  ],
  [
    'custom service section in the Python binary= form',
    '[custom-app]\nbinary=evil:latest\n',
    'invalid_ini',
    'line 2, [custom-app] binary: custom services run an image',
  ],
  ['no decky sections', '[general]\nnet=192.168.1.0/24\n', 'invalid_ini', 'INI contains no decky sections'],
  // Names
  ['upper-case decky name', '[Decky]\nservices=ssh\n', 'invalid_ini', '[Decky]: invalid decky name'],
  ['underscore in name', '[my_decky]\nservices=ssh\n', 'invalid_ini', 'invalid decky name'],
  ['dotted decky name', '[decky.webmail]\nservices=ssh\n', 'invalid_ini', "'webmail' is not a known service"],
  ['leading dash', '[-a]\nservices=ssh\n', 'invalid_ini', 'invalid decky name'],
  ['64-character name', `[${'a'.repeat(64)}]\nservices=ssh\n`, 'invalid_ini', 'invalid decky name'],
  ['right-to-left override in name', '[a\u202Eb]\nservices=ssh\n', 'invalid_ini', 'invalid decky name'],
  [
    'expanded name too long',
    `[${'a'.repeat(62)}]\nservices=ssh\namount=2\n`,
    'invalid_ini',
    'longer than 63 characters',
  ],
  [
    'unknown key in decky',
    '[a]\nservices=ssh\nlog_target=1.2.3.4\n',
    'invalid_ini',
    '[a] log_target: unknown key in a decky section',
  ],
  [
    'unknown key in general',
    '[general]\nip_start=10\n[a]\n',
    'invalid_ini',
    '[general] ip_start: unknown key',
  ],
  ['empty value', '[a]\nservices=\n', 'invalid_ini', '[a] services: value is empty'],
  ['bad host name', '[a]\nservices=ssh\nhost=Edge_1\n', 'invalid_ini', "'Edge_1' is not a valid host name"],
  // Duplicated deckies and IPs inside the INI
  [
    'expansion collides with a literal section',
    '[web]\nservices=ssh\namount=2\n[web-01]\nservices=ssh\n',
    'conflict',
    "decky name 'web-01' is already produced by [web] on line 1",
  ],
  [
    'two deckies share an explicit IP',
    '[a]\nip=192.168.1.5\n[b]\nip=192.168.1.5\n',
    'conflict',
    "IP 192.168.1.5 is already assigned to decky 'a'",
  ],
  // amount
  ['amount 0', '[a]\namount=0\n', 'invalid_ini', 'amount must be a whole number from 1 to 100'],
  ['amount -1', '[a]\namount=-1\n', 'invalid_ini', "got '-1'"],
  ['amount 101', '[a]\namount=101\n', 'invalid_ini', 'amount=101 exceeds the maximum of 100'],
  ['huge amount', '[a]\namount=99999999999999999999\n', 'invalid_ini', 'amount must be a whole number'],
  ['amount 1e2', '[a]\namount=1e2\n', 'invalid_ini', "got '1e2'"],
  ['amount 3abc', '[a]\namount=3abc\n', 'invalid_ini', "got '3abc'"],
  ['amount 2.5', '[a]\namount=2.5\n', 'invalid_ini', "got '2.5'"],
  ['ip with amount>1', '[a]\nip=192.168.1.9\namount=3\n', 'invalid_ini', 'cannot combine ip= with amount=3'],
  [
    'more than 500 deckies',
    Array.from({ length: 6 }, (_, i) => `[g${i}]\nservices=ssh\namount=100\n`).join(''),
    'invalid_ini',
    'more than 500 deckies',
  ],
  // IPs
  ['gateway IP', '[a]\nip=192.168.1.1\n', 'invalid_ini', '[a] ip: 192.168.1.1 is the gateway address'],
  [
    'broadcast IP',
    '[a]\nip=192.168.1.255\n',
    'invalid_ini',
    '192.168.1.255 is the broadcast address of 192.168.1.0/24',
  ],
  ['network IP', '[a]\nip=192.168.1.0\n', 'invalid_ini', 'is the network address'],
  ['host IP', '[a]\nip=192.168.1.100\n', 'invalid_ini', "192.168.1.100 is the host's own address"],
  ['out-of-subnet IP', '[a]\nip=10.0.0.5\n', 'invalid_ini', '10.0.0.5 is outside the subnet 192.168.1.0/24'],
  [
    'out-of-subnet IP vs [general] net',
    '[general]\nnet=10.0.0.0/24\ngw=10.0.0.1\n[a]\nip=10.0.1.5\n',
    'invalid_ini',
    'line 4, [a] ip: 10.0.1.5 is outside the subnet 10.0.0.0/24',
  ],
  ['octet over 255', '[a]\nip=192.168.1.300\n', 'invalid_ini', "'192.168.1.300' is not a valid IPv4 address"],
  ['leading zeros', '[a]\nip=192.168.1.010\n', 'invalid_ini', 'is not a valid IPv4 address'],
  ['CIDR in ip', '[a]\nip=192.168.1.5/24\n', 'invalid_ini', 'is not a valid IPv4 address'],
  ['IPv6 ip', '[a]\nip=fe80::1\n', 'invalid_ini', "'fe80::1' is not a valid IPv4 address"],
  // [general] network
  ['non-CIDR net', '[general]\nnet=192.168.1.0\n[a]\n', 'invalid_ini', 'is not an IPv4 CIDR'],
  [
    '/32 net',
    '[general]\nnet=192.168.1.1/32\ngw=192.168.1.1\n[a]\n',
    'invalid_ini',
    'prefix /32 must be between /8 and /30',
  ],
  ['/31 net', '[general]\nnet=192.168.1.0/31\n[a]\n', 'invalid_ini', 'prefix /31'],
  ['/0 net', '[general]\nnet=0.0.0.0/0\n[a]\n', 'invalid_ini', 'prefix /0'],
  ['host bits in net', '[general]\nnet=192.168.1.5/24\n[a]\n', 'invalid_ini', 'did you mean 192.168.1.0/24'],
  [
    'gateway outside net',
    '[general]\nnet=10.0.0.0/24\ngw=10.0.1.1\n[a]\n',
    'invalid_ini',
    'line 3, [general] gw: gateway 10.0.1.1 is outside the subnet',
  ],
  [
    'gateway is broadcast',
    '[general]\nnet=10.0.0.0/24\ngw=10.0.0.255\n[a]\n',
    'invalid_ini',
    'network or broadcast',
  ],
  ['bad gateway', '[general]\ngw=gateway\n[a]\n', 'invalid_ini', "'gateway' is not a valid IPv4 address"],
  [
    'bad interface',
    '[general]\ninterface=eth0; rm -rf /\n[a]\n',
    'invalid_ini',
    'is not a network interface name',
  ],
  [
    'bad driver',
    '[general]\ndriver=overlay\n[a]\n',
    'invalid_ini',
    "'overlay' is not one of macvlan, ipvlan, bridge",
  ],
  // Catalogue references
  ['unknown service', '[a]\nservices=ssh,telnet2\n', 'invalid_ini', "unknown service(s) 'telnet2'"],
  [
    'thousands of unknown services',
    `[a]\nservices=${Array.from({ length: 3000 }, (_, i) => `x${i}`).join(',')}\n`,
    'invalid_ini',
    "'x4' and 2995 more",
  ],
  ['upper-case service', '[a]\nservices=SSH\n', 'invalid_ini', "unknown service(s) 'SSH'"],
  ['fleet singleton sniffer', '[a]\nservices=sniffer\n', 'invalid_ini', "'sniffer'"],
  ['empty list item', '[a]\nservices=ssh,,http\n', 'invalid_ini', 'empty item in services list'],
  ['duplicate service', '[a]\nservices=ssh,ssh\n', 'invalid_ini', "service 'ssh' is listed twice"],
  [
    'inline comment is not stripped',
    '[a]\nservices = ssh ; http\n',
    'invalid_ini',
    "unknown service(s) 'ssh ; http'",
  ],
  [
    'two services on one port',
    '[a]\nservices=smtp,smtp_relay\n',
    'invalid_ini',
    'smtp and smtp_relay both listen on 25/tcp',
  ],
  ['unknown archetype', '[a]\narchetype=mainframe\n', 'invalid_ini', "unknown archetype 'mainframe'"],
  ['unknown distro', '[a]\nservices=ssh\ndistro=gentoo\n', 'invalid_ini', "unknown distro 'gentoo'"],
  ['unknown OS family', '[a]\nservices=ssh\nnmap_os=solaris\n', 'invalid_ini', "unknown OS family 'solaris'"],
  // Intervals
  ['mutate_interval 0', '[a]\nservices=ssh\nmutate_interval=0\n', 'invalid_ini', 'must be at least 1 minute'],
  [
    'mutate_interval negative',
    '[a]\nservices=ssh\nmutate_interval=-5\n',
    'invalid_ini',
    'is not an interval',
  ],
  [
    'mutate_interval float',
    '[a]\nservices=ssh\nmutate_interval=1.5\n',
    'invalid_ini',
    "'1.5' is not an interval",
  ],
  [
    'mutate_interval huge',
    '[a]\nservices=ssh\nmutate_interval=999999999\n',
    'invalid_ini',
    '999999999 minutes is longer than the maximum of 10y',
  ],
  [
    'mutate_interval seconds',
    '[a]\nservices=ssh\nmutate_interval=30s\n',
    'invalid_ini',
    "'30s' is not an interval",
  ],
  [
    'general mutate_interval bad',
    '[general]\nmutate_interval=soon\n[a]\n',
    'invalid_ini',
    '[general] mutate_interval',
  ],
  // Persona sub-sections
  ['persona for unknown decky', `${ok}[okk.ssh]\nuser=x\n`, 'invalid_ini', "no decky named 'okk'"],
  [
    'persona for a service the decky cannot run',
    `${ok}[ok.http]\nserver_header=x\n`,
    'invalid_ini',
    "decky 'ok' does not run http",
  ],
  [
    'persona prefix does not reach unrelated deckies',
    '[web-server]\nservices=http\n[web.http]\nfake_app=jenkins\n',
    'invalid_ini',
    "no decky named 'web'",
  ],
  [
    'unknown persona key',
    `${ok}[ok.ssh]\nshell=zsh\n`,
    'invalid_ini',
    "line 4, [ok.ssh] shell: service ssh has no config key 'shell'",
  ],
  [
    'bool coercion',
    '[a]\nservices=rdp\n[a.rdp]\nnla=maybe\n',
    'invalid_ini',
    '[a.rdp] nla: invalid value for service rdp: expected a boolean',
  ],
  [
    'int coercion',
    '[a]\nservices=http\n[a.http]\nresponse_code=ok\n',
    'invalid_ini',
    "response_code: invalid value for service http: expected an integer, got 'ok'",
  ],
  ['int range', '[a]\nservices=http\n[a.http]\nresponse_code=99\n', 'invalid_ini', 'must be at least 100'],
  [
    'enum coercion',
    '[a]\nservices=http\n[a.http]\nfake_app=drupal\n',
    'invalid_ini',
    "fake_app: invalid value for service http: 'drupal' is not one of",
  ],
  [
    'multi_enum coercion',
    '[a]\nservices=http\n[a.http]\nhttp_versions=http/1.1,spdy\n',
    'invalid_ini',
    "'spdy' is not one of",
  ],
  [
    'bad b64 textarea',
    '[a]\nservices=http\n[a.http]\ncustom_body=b64:***\n',
    'invalid_ini',
    'custom_body: invalid value for service http: malformed b64',
  ],
  [
    'b64 of invalid UTF-8',
    '[a]\nservices=http\n[a.http]\ncustom_body=b64:gA==\n',
    'invalid_ini',
    'malformed b64',
  ],
  [
    'b64 hiding a NUL',
    '[a]\nservices=http\n[a.http]\ncustom_body=b64:YQBi\n',
    'invalid_ini',
    'contains control characters',
  ],
  [
    'persona value too long',
    `[a]\nservices=ssh\n[a.ssh]\nuser=${'u'.repeat(2000)}\n`,
    'invalid_ini',
    'longer than 1024 characters',
  ],
]

describe('hostile and malformed INIs', () => {
  it('has a corpus of at least 60 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60)
  })

  it.each(CASES)('%s', (_title, ini, code, fragment) => {
    const error = expectDecnet(() => parseAndPlan(ini), code, fragment)
    // Echoed input is clipped: no message grows with the size of the hostile value.
    expect(error.message.length).toBeLessThan(600)
  })

  afterAll(() => {
    // Nothing above may have polluted Object.prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.keys(Object.prototype)).toEqual([])
  })
})

describe('collisions with the existing fleet', () => {
  const fleet = [existingDecky('decky-01', '192.168.1.50')]
  it.each([
    ['name already in the fleet', '[decky-01]\nservices=ssh\n', "decky 'decky-01' already exists"],
    ['IP already in the fleet', '[b]\nservices=ssh\nip=192.168.1.50\n', 'IP 192.168.1.50 is already in use'],
  ])('%s is a conflict', (_title, ini, fragment) => {
    expectDecnet(() => parseAndPlan(ini, { existing: fleet }), 'conflict', fragment)
  })
})

describe('accepted edge cases', () => {
  it('takes values literally: % and %(x)s are not interpolated', () => {
    const plan = parseAndPlan('[a]\nservices=ssh\n[a.ssh]\npassword=p%ss\nusers=root:%(home)s\n')
    expect(plan.create[0]?.serviceConfig.ssh).toEqual({ password: 'p%ss', users: 'root:%(home)s' })
  })

  it('tolerates CRLF, CR-only, BOM, `:` delimiters, tabs and `#`/`;` comments', () => {
    const ini = '\uFEFF# fleet\r\n[a]\r\nservices\t:\tssh, http\r; note\r[b]\nservices = ssh\n'
    expect(parseAndPlan(ini).create.map((d) => [d.name, d.services])).toEqual([
      ['a', ['ssh', 'http']],
      ['b', ['ssh']],
    ])
  })

  it('trims values, so amount = " 3 " expands to three deckies', () => {
    expect(parseAndPlan('[g]\nservices=ssh\namount =  3  \n').create).toHaveLength(3)
  })

  it('accepts an input just under 512 KiB', () => {
    const ini = `${ok}#${'x'.repeat(512 * 1024 - ok.length - 2)}\n`
    expect(parseAndPlan(ini).create).toHaveLength(1)
  })

  it('drops empty persona values (use the default) and accepts 100 deckies in one section', () => {
    const plan = parseAndPlan('[g]\nservices=ssh\namount=100\n[g.ssh]\nuser=\n')
    expect(plan.create).toHaveLength(100)
    expect(plan.create[0]?.serviceConfig.ssh).toEqual({})
  })
})
