// A topology decky's shell (issue 22): one interface per link, routes through the upstream pivot or
// the entry gateway, neighbours in ARP and /etc/hosts, and on a pivot the inner hosts in the admin's
// ssh traces, so an intruder finds the way on. A flat decky's output stays what it was.
import type { DeckyTopology, Persona } from '@decnet/core/schemas'
import { describe, expect, it } from 'vitest'
import { shellHost } from '../src/protocols-text/shell/persona.ts'
import { createShell } from '../src/protocols-text/shell/shell.ts'
import { alpinePersona, debianPersona } from './shell-personas.ts'
import { INNER, PIVOT } from './topologies.ts'

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0)
const debian = debianPersona('0123456789abcdef0123456789abcdef')

function login(persona: Persona, topology?: DeckyTopology) {
  const host = shellHost(persona, {
    bindAddress: '10.20.30.40',
    nowMs: NOW,
    ...(topology ? { topology } : {}),
  })
  const shell = createShell(host, 'root', { now: () => NOW, jitter: () => 0.5 })
  return (line: string) => shell.run(line).output
}

describe('a pivot’s shell shows both of its networks', () => {
  const run = login(debian, PIVOT)

  it('ip a and ifconfig: one interface per link with its prefix; eth0 has the decky’s MAC', () => {
    const addresses = run('ip a')
    expect(addresses).toContain(
      '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n    link/ether f8:bc:12:3a:7d:01 brd ff:ff:ff:ff:ff:ff\n    inet 172.30.0.10/24 brd 172.30.0.255 scope global eth0\n',
    )
    const eth1 =
      /3: eth1: .*\n {4}link\/ether (f8:bc:12(?::[0-9a-f]{2}){3}) brd .*\n {4}inet 10\.50\.0\.2\/16 brd 10\.50\.255\.255 scope global eth1\n/.exec(
        addresses,
      )
    expect(eth1?.[1]).toBeDefined()
    expect(eth1?.[1]).not.toBe('f8:bc:12:3a:7d:01')
    const ifconfig = run('ifconfig')
    expect(ifconfig).toContain('inet 10.50.0.2  netmask 255.255.0.0  broadcast 10.50.255.255\n')
    expect(ifconfig).toContain(`ether ${eth1?.[1]}  txqueuelen 1000`)
  })

  it('ip route and route: both connected subnets, the default via the entry network’s gateway', () => {
    expect(run('ip route')).toBe(
      'default via 172.30.0.1 dev eth0 proto static\n172.30.0.0/24 dev eth0 proto kernel scope link src 172.30.0.10\n10.50.0.0/16 dev eth1 proto kernel scope link src 10.50.0.2\n',
    )
    expect(run('route -n')).toContain(
      '10.50.0.0       0.0.0.0         255.255.0.0     U     0      0        0 eth1\n',
    )
  })

  it('arp and ip neigh list the gateway and neighbours on the interface of their network', () => {
    const arp = run('arp -a')
    expect(arp).toMatch(/^172\.30\.0\.1 +ether/m)
    expect(arp).toMatch(/^10\.50\.0\.30 +ether +52:54:00(:[0-9a-f]{2}){3} +C +eth1$/m)
    expect(run('ip neigh')).toMatch(
      /^10\.50\.0\.30 dev eth1 lladdr 52:54:00(:[0-9a-f]{2}){3} (REACHABLE|STALE)$/m,
    )
  })

  it('/etc/hosts names the neighbours; known_hosts, .ssh/config and history lead into office', () => {
    const hosts = run('cat /etc/hosts')
    for (const line of ['172.30.0.11\tweb-01', '10.50.0.20\tfs01', '10.50.0.30\tdb-gw'])
      expect(hosts).toContain(line)
    const known = run('cat ~/.ssh/known_hosts')
    expect(known).toMatch(/^(fs01,10\.50\.0\.20|db-gw,10\.50\.0\.30) ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\S+$/m)
    // Only the inner network: the dmz neighbour is not where the admins hop to.
    expect(known).not.toContain('web-01')
    expect(run('cat ~/.ssh/config')).toMatch(
      /^Host (fs01|db-gw)\n {4}HostName 10\.50\.0\.(20|30)\n {4}User \w+\n/m,
    )
    expect(run('cat ~/.bash_history')).toMatch(
      /(ssh|scp|ssh-copy-id|ping -c 3) .*(fs01|db-gw|10\.50\.0\.(20|30))/,
    )
  })

  it('neighbour names resolve: ping answers, ssh and scp reach a password prompt they cannot answer', () => {
    expect(run('ping -c 1 fs01')).toMatch(
      /^PING fs01 \(10\.50\.0\.20\) 56\(84\) bytes of data\.\n64 bytes from fs01 \(10\.50\.0\.20\): icmp_seq=1 /,
    )
    expect(run('ssh admin@fs01 2>&1')).toBe('admin@fs01: Permission denied (publickey,password).\n')
    expect(run('scp x db-gw:/tmp 2>&1')).toBe(
      'root@db-gw: Permission denied (publickey,password).\nlost connection\n',
    )
    // Hosts that are not neighbours stay unknown.
    expect(run('ssh admin@vault01 2>&1')).toBe(
      'ssh: Could not resolve hostname vault01: Temporary failure in name resolution\n',
    )
  })

  it('is the same on every login and differs for another persona', () => {
    const again = login(debian, PIVOT)
    for (const line of ['ip a', 'arp', 'cat ~/.ssh/known_hosts', 'cat ~/.bash_history'])
      expect(again(line)).toBe(run(line))
    const other = login(debianPersona('fedcba9876543210fedcba9876543210'), PIVOT)
    expect(other('ip link')).not.toBe(run('ip link'))
    expect(other('cat ~/.ssh/known_hosts')).not.toBe(run('cat ~/.ssh/known_hosts'))
  })

  it('busybox ifconfig shows every link too', () => {
    const output = login(alpinePersona('2'.repeat(32)), PIVOT)('ifconfig')
    expect(output).toMatch(
      /^eth1 {6}Link encap:Ethernet {2}HWaddr [0-9A-F:]{17} {2}\n {10}inet addr:10\.50\.0\.2 {2}Bcast:10\.50\.255\.255 {2}Mask:255\.255\.0\.0\n/m,
    )
  })
})

describe('an inner decky’s shell', () => {
  const run = login(debian, INNER)

  it('routes out through the upstream pivot and lists its neighbours, with no hop traces of its own', () => {
    expect(run('ip route')).toBe(
      'default via 10.50.0.2 dev eth0 proto static\n10.50.0.0/16 dev eth0 proto kernel scope link src 10.50.0.20\n',
    )
    expect(run('ip -4 a')).toContain('inet 10.50.0.20/16 brd 10.50.255.255 scope global eth0\n')
    expect(run('cat /etc/hosts')).toContain('10.50.0.2\tjump-01\n')
    expect(run('arp')).toMatch(/^10\.50\.0\.2 +ether/m)
    expect(run('ls ~/.ssh')).toBe('authorized_keys\n')
  })
})

describe('a decky on a flat LAN', () => {
  it('keeps its one /24 interface, gateway and hosts file', () => {
    const run = login(debian)
    expect(run('ip route')).toBe(
      'default via 10.20.30.1 dev eth0 proto static\n10.20.30.0/24 dev eth0 proto kernel scope link src 10.20.30.40\n',
    )
    expect(run('arp')).toBe(
      'Address                  HWtype  HWaddress           Flags Mask            Iface\n10.20.30.1               ether   52:54:00:49:06:eb   C                     eth0\n',
    )
    expect(run('ip a')).toContain('inet 10.20.30.40/24 brd 10.20.30.255 scope global eth0\n')
    expect(run('ip a')).not.toContain('eth1')
    expect(run('cat /etc/hosts')).toBe(
      '127.0.0.1\tlocalhost\n127.0.1.1\tweb-prod-03.acme.internal\tweb-prod-03\n\n# The following lines are desirable for IPv6 capable hosts\n::1     localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n',
    )
    expect(run('ls ~/.ssh')).toBe('authorized_keys\n')
  })
})
