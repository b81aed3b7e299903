import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Persona } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../src/emulator.ts'
import { conpotEmulator } from '../src/protocols-binary/conpot.ts'
import { dnsEmulator } from '../src/protocols-binary/dns.ts'
import { mongodbEmulator } from '../src/protocols-binary/mongodb.ts'
import { mqttEmulator } from '../src/protocols-binary/mqtt.ts'
import { mysqlEmulator } from '../src/protocols-binary/mysql.ts'
import { postgresEmulator } from '../src/protocols-binary/postgres.ts'
import { snmpEmulator } from '../src/protocols-binary/snmp.ts'
import { tftpEmulator } from '../src/protocols-binary/tftp.ts'
import { vncEmulator } from '../src/protocols-binary/vnc.ts'
import { redisEmulator } from '../src/protocols-text/redis.ts'
import { sipEmulator } from '../src/protocols-text/sip.ts'
import { debianPersona, plcPersona } from './data-personas.ts'
import { start } from './data-start.ts'
import { closeStartedAfterEach } from './started.ts'

const run = promisify(execFile)
closeStartedAfterEach()

/** One decky's services on their well-known ports of a loopback address of their own. */
async function deploy(host: string, persona: Persona, services: [Emulator, number[]][]): Promise<void> {
  for (const [emulator, ports] of services) await start(emulator, persona, { host, ports })
}

async function nmap(args: string[]): Promise<string> {
  const { stdout } = await run('nmap', [...args, '-Pn', '-n'], { timeout: 400_000 })
  return stdout
}

/** `PORT STATE SERVICE VERSION` rows of nmap's normal output, by `port/proto`. */
function rows(output: string): Map<string, string> {
  const found = new Map<string, string>()
  for (const line of output.split('\n')) {
    const match = /^(\d+\/(?:tcp|udp))\s+(.*)$/.exec(line)
    if (match) found.set(match[1] as string, (match[2] as string).replace(/\s+/g, ' ').trim())
  }
  return found
}

const HOST = `127.${120 + (process.pid % 100)}.77.7`

describe('nmap -sV sees the persona products', () => {
  it('names every TCP and UDP service of a Debian 12 decky with the persona version', async () => {
    // Tell: nmap printed MySQL 5.7, BIND "Debian 10" and SNMPv1-only agents next to a Debian 12 story.
    await deploy(HOST, debianPersona('ab'.repeat(16)), [
      [mysqlEmulator, [3306]],
      [postgresEmulator, [5432]],
      [redisEmulator, [6379]],
      [mongodbEmulator, [27017]],
      [mqttEmulator, [1883]],
      [vncEmulator, [5900]],
      [sipEmulator, [5060]],
      [dnsEmulator, [53]],
      [snmpEmulator, [161]],
      [tftpEmulator, [69]],
    ])
    // The TCP and UDP scans run at once: each spends most of its time waiting on probe timeouts.
    const [tcp, udpOutput] = await Promise.all([
      nmap(['-sV', '-p', '3306,5432,6379,27017,1883,5900,5060', HOST]),
      nmap(['-sU', '-sV', '-p', '53,161,69,5060', HOST]),
    ])
    const found = rows(tcp)
    expect(found.get('3306/tcp')).toBe('open mysql MySQL 5.5.5-10.11.6-MariaDB-0+deb12u1')
    expect(found.get('5432/tcp')).toBe('open postgresql PostgreSQL DB 15')
    expect(found.get('6379/tcp')).toBe('open redis Redis key-value store 7.0.15')
    expect(found.get('1883/tcp')).toContain('mosquitto version 2.0.11')
    expect(found.get('5900/tcp')).toBe('open vnc VNC (protocol 3.8)')
    expect(found.get('5060/tcp')).toBe('open sip-proxy Asterisk PBX 20.11.0')
    expect(found.get('27017/tcp')).toMatch(/^open mongodb MongoDB/)
    // MongoDB 6.0+ refuses nmap's OP_QUERY serverStatus like the real server, which nmap 7.93 has no
    // signature for: that port alone may print a fingerprint (a real 7.0 server does the same).
    const unrecognized = [...tcp.matchAll(/^SF-Port(\d+)-TCP/gm)].map((match) => match[1])
    expect(unrecognized.filter((port) => port !== '27017')).toEqual([])

    const udp = rows(udpOutput)
    expect(udp.get('53/udp')).toBe('open domain ISC BIND 9.18.28-1~deb12u2 (Debian Linux)')
    expect(udp.get('161/udp')).toBe('open snmp SNMPv1 server; net-snmp SNMPv3 server (public)')
    expect(udp.get('5060/udp')).toBe('open sip-proxy Asterisk PBX 20.11.0')
    // tftpd-hpa ignores datagrams that are no request, so nmap (like against the real one) cannot tell.
    expect(udp.get('69/udp')).toBe('open|filtered tftp')
  }, 600_000)

  it('sees Modbus on the PLC decky', async () => {
    const host = `127.${120 + (process.pid % 100)}.77.8`
    await deploy(host, plcPersona('cd'.repeat(16)), [[conpotEmulator, [502]]])
    expect(rows(await nmap(['-sV', '-p', '502', host])).get('502/tcp')).toBe('open modbus Modbus TCP')
  }, 300_000)
})
