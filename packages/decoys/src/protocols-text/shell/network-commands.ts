import { type CommandContext, type CommandIo, fail, parseFlags } from './command-context.ts'
import {
  broadcastAddress,
  findNeighbour,
  type HostInterface,
  hostNetwork,
  inSubnet,
  netmask,
  networkAddress,
} from './host-network.ts'
import type { ShellCommand } from './sh/interpreter.ts'

/**
 * The persona's network as its tools show it (ip, ifconfig, netstat, ss, route, arp, ping,
 * iptables): the decky's interfaces, routes and neighbours (`hostNetwork`: one /24 on a flat LAN,
 * one interface per link in a topology), and the daemons of its services listening on their usual
 * ports. `ping` sends nothing: the decky answers that the network is unreachable beyond its own
 * networks, as a host with no route out would.
 */

/** Listening daemons per service slug: port, protocol, process name (by product where it differs). */
const LISTENERS: Record<string, { port: number; udp?: boolean; process: (product: string) => string }> = {
  ssh: { port: 22, process: (p) => (p === 'dropbear' ? 'dropbear' : 'sshd') },
  telnet: { port: 23, process: () => 'telnetd' },
  ftp: {
    port: 21,
    process: (p) => (p.includes('pure') ? 'pure-ftpd' : p.includes('proftpd') ? 'proftpd' : 'vsftpd'),
  },
  http: {
    port: 80,
    process: (p) => (p.includes('apache') ? 'apache2' : p.includes('lighttpd') ? 'lighttpd' : 'nginx'),
  },
  https: { port: 443, process: (p) => (p.includes('apache') ? 'apache2' : 'nginx') },
  smtp: { port: 25, process: (p) => (p.includes('exim') ? 'exim4' : 'master') },
  pop3: { port: 110, process: () => 'dovecot' },
  imap: { port: 143, process: () => 'dovecot' },
  mysql: { port: 3306, process: (p) => (p.includes('maria') ? 'mariadbd' : 'mysqld') },
  postgres: { port: 5432, process: () => 'postgres' },
  redis: { port: 6379, process: () => 'redis-server' },
  mongodb: { port: 27017, process: () => 'mongod' },
  mqtt: { port: 1883, process: () => 'mosquitto' },
  docker_api: { port: 2375, process: () => 'dockerd' },
  k8s: { port: 6443, process: () => 'kube-apiserver' },
  snmp: { port: 161, udp: true, process: () => 'snmpd' },
  sip: { port: 5060, udp: true, process: () => 'asterisk' },
}

type Listener = { port: number; udp: boolean; process: string; pid: number }

export function listenersOf(context: CommandContext): Listener[] {
  const random = context.host.random.fork('pids')
  const sshPid = random.int(600, 900)
  const listeners: Listener[] = []
  for (const [slug, product] of Object.entries(context.host.persona.services)) {
    const known = LISTENERS[slug]
    if (!known) continue
    const process = known.process(product.product)
    listeners.push({
      port: known.port,
      udp: known.udp ?? false,
      process,
      pid: slug === 'ssh' ? sshPid : 900 + ((known.port * 37) % 800),
    })
  }
  return listeners.sort((a, b) => a.port - b.port)
}

export function networkCommands(context: CommandContext): Record<string, ShellCommand> {
  return {
    ip: (args, io) => ip(context, args, io),
    ifconfig: () => ifconfig(context),
    netstat: (args) => netstat(context, args),
    ss: (args) => ss(context, args),
    route: () => route(context),
    arp: () => arp(context),
    ping: (args, io) => ping(context, args, io),
    iptables: (args, io) => iptables(context, args, io),
    nc: (args, io) => netcat(context, args, io),
  }
}

/** OpenBSD netcat (Ubuntu's `nc`): listening is refused to non-root low ports; connects find nothing open. */
function netcat(context: CommandContext, args: string[], io: CommandIo): string {
  const usage =
    'usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n'
  // OpenBSD netcat has no -e/-c: the classic reverse shell fails on the option.
  const exec = args.find((a) => /^-\w*[ec]/.test(a) && !a.startsWith('--'))
  if (exec) return fail(io, `nc: invalid option -- '${/[ec]/.exec(exec)?.[0]}'\n${usage}`, 1)
  const operands = args.filter((a, i) => !a.startsWith('-') && !/^-[pswWiqx]$/.test(args[i - 1] ?? ''))
  if (args.some((a) => /^-\w*l/.test(a))) {
    const port = Number(args[args.indexOf('-p') + 1] ?? operands[0] ?? 0)
    if (port > 0 && port < 1024 && context.uid !== 0) return fail(io, 'nc: Permission denied\n', 1)
    // A listener that nobody reaches: the decky's LAN carries no inbound to it.
    return ''
  }
  const [host, port] = operands
  if (!host || !port)
    return fail(
      io,
      'usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n',
      1,
    )
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(host))
    return fail(
      io,
      `nc: getaddrinfo for host "${host}" port ${port}: Temporary failure in name resolution\n`,
      1,
    )
  const local =
    host.startsWith('127.') || hostNetwork(context.host).interfaces.some((candidate) => candidate.ip === host)
  const open = local && listenersOf(context).some((l) => String(l.port) === port && !l.udp)
  // The decky's own sshd greets; other local daemons wait for the client to speak first.
  if (open) return port === '22' ? `SSH-2.0-${context.host.sshVersion}\r\n` : ''
  return fail(
    io,
    `nc: connect to ${host} port ${port} (tcp) failed: ${local ? 'Connection refused' : 'Connection timed out'}\n`,
    1,
  )
}

function ip(context: CommandContext, args: string[], io: CommandIo): string {
  const object = args.find((a) => !a.startsWith('-')) ?? ''
  const network = hostNetwork(context.host)
  if (object === '' || object === 'help')
    return fail(
      io,
      'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\nwhere  OBJECT := { address | link | route | neigh | rule | netns | ... }\n',
      object ? 0 : 255,
    )
  const links = (mode: string, body: (link: HostInterface) => string) =>
    network.interfaces
      .map(
        (link, index) =>
          `${index + 2}: ${link.dev}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP ${mode}group default qlen 1000\n    link/ether ${link.mac} brd ff:ff:ff:ff:ff:ff\n${body(link)}`,
      )
      .join('')
  if ('address'.startsWith(object) || object === 'addr')
    return `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n${links('', (link) => `    inet ${link.ip}/${link.prefix} brd ${broadcastAddress(link.ip, link.prefix)} scope global ${link.dev}\n       valid_lft forever preferred_lft forever\n`)}`
  if ('link'.startsWith(object))
    return `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n${links('mode DEFAULT ', () => '')}`
  if ('route'.startsWith(object))
    return `default via ${network.defaultRoute.via} dev ${network.defaultRoute.dev} proto static\n${network.interfaces
      .map(
        (link) =>
          `${networkAddress(link.ip, link.prefix)}/${link.prefix} dev ${link.dev} proto kernel scope link src ${link.ip}\n`,
      )
      .join('')}`
  if ('neighbour'.startsWith(object) || object === 'neighbor')
    return network.neighbours
      .map((neighbour) => `${neighbour.ip} dev ${neighbour.dev} lladdr ${neighbour.mac} ${neighbour.state}\n`)
      .join('')
  return fail(io, `Object "${object}" is unknown, try "ip help".\n`, 1)
}

function ifconfig(context: CommandContext): string {
  const blocks = hostNetwork(context.host).interfaces.map((link) => {
    // eth0 keeps the stream it always drew from; further interfaces have their own.
    const random = context.host.random.fork(link.dev === 'eth0' ? 'ifconfig' : `ifconfig/${link.dev}`)
    const rxPackets = random.int(200_000, 9_000_000)
    const txPackets = Math.floor(rxPackets * (0.4 + random.next() * 0.5))
    const bytes = (n: number) => {
      const total = n * random.int(300, 900)
      const units = ['B', 'KB', 'MB', 'GB']
      let value = total
      let unit = 0
      while (value >= 1000 && unit < 3) {
        value /= 1000
        unit++
      }
      return `${total}  (${value.toFixed(1)} ${units[unit]})`
    }
    const broadcast = broadcastAddress(link.ip, link.prefix)
    const mask = netmask(link.prefix)
    if (context.busybox)
      return `${link.dev.padEnd(10)}Link encap:Ethernet  HWaddr ${link.mac.toUpperCase()}  \n          inet addr:${link.ip}  Bcast:${broadcast}  Mask:${mask}\n          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n          RX packets:${rxPackets} errors:0 dropped:0 overruns:0 frame:0\n          TX packets:${txPackets} errors:0 dropped:0 overruns:0 carrier:0\n          collisions:0 txqueuelen:1000 \n\n`
    return `${link.dev}: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500\n        inet ${link.ip}  netmask ${mask}  broadcast ${broadcast}\n        ether ${link.mac}  txqueuelen 1000  (Ethernet)\n        RX packets ${rxPackets}  bytes ${bytes(rxPackets)}\n        RX errors 0  dropped 0  overruns 0  frame 0\n        TX packets ${txPackets}  bytes ${bytes(txPackets)}\n        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0\n\n`
  })
  if (context.busybox)
    return `${blocks.join('')}lo        Link encap:Local Loopback  \n          inet addr:127.0.0.1  Mask:255.0.0.0\n          UP LOOPBACK RUNNING  MTU:65536  Metric:1\n\n`
  return `${blocks.join('')}lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536\n        inet 127.0.0.1  netmask 255.0.0.0\n        loop  txqueuelen 1000  (Local Loopback)\n\n`
}

function netstat(context: CommandContext, args: string[]): string {
  const { flags } = parseFlags(args)
  if (flags.has('r')) return route(context)
  const numeric = flags.has('n')
  const programs = flags.has('p') && context.uid === 0
  const listening = flags.has('l')
  const wantTcp = flags.has('t') || !flags.has('u')
  const wantUdp = flags.has('u') || !flags.has('t')
  const rows: string[] = []
  const name = (port: number) => (numeric ? String(port) : (SERVICE_NAMES[port] ?? String(port)))
  for (const l of listenersOf(context)) {
    if (l.udp ? !wantUdp : !wantTcp) continue
    const local = `0.0.0.0:${name(l.port)}`
    const program = programs ? `${l.pid}/${l.process}` : '-'
    rows.push(
      `${(l.udp ? 'udp' : 'tcp').padEnd(6)}${'0'.padStart(6)}${'0'.padStart(7)} ${local.padEnd(23)} ${'0.0.0.0:*'.padEnd(23)} ${(l.udp ? '' : 'LISTEN').padEnd(11)} ${context.busybox ? (programs ? program : '') : program}`.trimEnd(),
    )
  }
  if (!listening && context.session.from !== '-' && wantTcp) {
    rows.push(
      `tcp   ${'0'.padStart(6)}${'36'.padStart(7)} ${`${context.host.ip}:${name(22)}`.padEnd(23)} ${`${context.session.from}:${40_000 + (context.session.loginMs % 20_000)}`.padEnd(23)} ESTABLISHED ${programs ? `${listenersOf(context).find((l) => l.port === 22)?.pid ?? 700}/sshd: ${context.user}` : '-'}`,
    )
  }
  const header =
    `Active Internet connections${listening ? ' (only servers)' : ' (servers and established)'}\nProto Recv-Q Send-Q Local Address           Foreign Address         State       ${programs || !context.busybox ? 'PID/Program name' : ''}`.trimEnd()
  return `${header}\n${rows.join('\n')}${rows.length ? '\n' : ''}`
}

const SERVICE_NAMES: Record<number, string> = {
  21: 'ftp',
  22: 'ssh',
  23: 'telnet',
  25: 'smtp',
  80: 'http',
  110: 'pop3',
  143: 'imap2',
  161: 'snmp',
  443: 'https',
  1883: 'mqtt',
  3306: 'mysql',
  5060: 'sip',
  5432: 'postgresql',
  6379: 'redis',
}

function ss(context: CommandContext, args: string[]): string {
  const { flags } = parseFlags(args)
  const programs = flags.has('p') && context.uid === 0
  const wantUdp = flags.has('u')
  const wantTcp = flags.has('t') || !wantUdp
  const rows: string[][] = [
    ['Netid', 'State', 'Recv-Q', 'Send-Q', 'Local Address:Port', 'Peer Address:Port', 'Process'],
  ]
  for (const l of listenersOf(context)) {
    if (l.udp ? !wantUdp : !wantTcp) continue
    const port = flags.has('n') ? String(l.port) : (SERVICE_NAMES[l.port] ?? String(l.port))
    rows.push([
      l.udp ? 'udp' : 'tcp',
      l.udp ? 'UNCONN' : 'LISTEN',
      '0',
      l.udp ? '0' : '128',
      `0.0.0.0:${port}`,
      '0.0.0.0:*',
      programs ? `users:(("${l.process}",pid=${l.pid},fd=3))` : '',
    ])
  }
  const showNetid = !(wantTcp && !wantUdp) || flags.has('a')
  const shown = rows.map((row) => (showNetid ? row : row.slice(1)))
  const widths = shown[0]?.map((_, i) => Math.max(...shown.map((r) => (r[i] ?? '').length))) ?? []
  return `${shown
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd((widths[i] ?? 0) + 1))
        .join('')
        .trimEnd(),
    )
    .join('\n')}\n`
}

function route(context: CommandContext): string {
  const network = hostNetwork(context.host)
  const links = network.interfaces.map(
    (link) =>
      `${networkAddress(link.ip, link.prefix).padEnd(16)}0.0.0.0         ${netmask(link.prefix).padEnd(16)}U     0      0        0 ${link.dev}\n`,
  )
  return `Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n0.0.0.0         ${network.defaultRoute.via.padEnd(16)}0.0.0.0         UG    0      0        0 ${network.defaultRoute.dev}\n${links.join('')}`
}

function arp(context: CommandContext): string {
  const rows = hostNetwork(context.host).neighbours.map(
    (neighbour) =>
      `${neighbour.ip.padEnd(25)}ether   ${neighbour.mac}   C                     ${neighbour.dev}\n`,
  )
  return `Address                  HWtype  HWaddress           Flags Mask            Iface\n${rows.join('')}`
}

/** `ping`: the decky's LAN gateway answers; anything beyond it is unreachable (no egress shown). */
function ping(context: CommandContext, args: string[], io: CommandIo): string {
  const countAt = args.indexOf('-c')
  const count = Math.min(10, Math.max(1, Number(countAt >= 0 ? args[countAt + 1] : 4) || 4))
  const target = args
    .filter(
      (a, i) => !a.startsWith('-') && args[i - 1] !== '-c' && args[i - 1] !== '-W' && args[i - 1] !== '-i',
    )
    .pop()
  if (!target)
    return fail(
      io,
      context.busybox
        ? 'BusyBox v1.36.1 (2023-11-07 18:53:09 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n'
        : 'ping: usage error: Destination address required\n',
    )
  // A topology neighbour's name resolves (through /etc/hosts) to its address.
  const address = context.host.topology
    ? (findNeighbour(context.host.topology, target)?.ip ?? target)
    : target
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(address))
    return fail(
      io,
      context.busybox
        ? `ping: bad address '${target}'\n`
        : `ping: ${target}: Temporary failure in name resolution\n`,
      2,
    )
  const named = address === target ? target : `${target} (${address})`
  const local =
    target.startsWith('127.') ||
    (context.host.topology
      ? hostNetwork(context.host).interfaces.some((link) => inSubnet(address, link.ip, link.prefix))
      : target.startsWith(context.host.ip.replace(/\.\d+$/, '.')))
  const head = context.busybox
    ? `PING ${target} (${address}): 56 data bytes\n`
    : `PING ${target} (${address}) 56(84) bytes of data.\n`
  if (!local) {
    io.status(1)
    const lost = context.busybox
      ? `${count} packets transmitted, 0 packets received, 100% packet loss`
      : `${count} packets transmitted, 0 received, 100% packet loss, time ${(count - 1) * 1000 + 40}ms`
    return `${head}\n--- ${target} ping statistics ---\n${lost}\n`
  }
  const random = context.host.random.fork(`ping${target}`)
  const times = Array.from({ length: count }, () => 0.2 + random.next() * 0.6)
  const lines = times.map((t, i) =>
    context.busybox
      ? `64 bytes from ${address}: seq=${i} ttl=64 time=${t.toFixed(3)} ms`
      : `64 bytes from ${named}: icmp_seq=${i + 1} ttl=64 time=${t.toFixed(3)} ms`,
  )
  const min = Math.min(...times)
  const max = Math.max(...times)
  const avg = times.reduce((a, b) => a + b, 0) / times.length
  const summary = context.busybox
    ? `${count} packets transmitted, ${count} packets received, 0% packet loss\nround-trip min/avg/max = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)} ms`
    : `${count} packets transmitted, ${count} received, 0% packet loss, time ${(count - 1) * 1000 + 3}ms\nrtt min/avg/max/mdev = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)}/${((max - min) / 2).toFixed(3)} ms`
  return `${head}${lines.join('\n')}\n\n--- ${target} ping statistics ---\n${summary}\n`
}

/** `iptables`: root sees empty chains with ACCEPT policies; changes are accepted and kept nowhere. */
function iptables(context: CommandContext, args: string[], io: CommandIo): string {
  if (context.uid !== 0)
    return fail(
      io,
      'iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n\n',
      4,
    )
  if (args.includes('-L') || args.includes('--list') || args.some((a) => /^-[nv]*L[nv]*$/.test(a)))
    return 'Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n\nChain FORWARD (policy ACCEPT)\ntarget     prot opt source               destination         \n\nChain OUTPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n'
  if (args.includes('-S')) return '-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n'
  return ''
}
