import { createHash, createHmac, pbkdf2Sync } from 'node:crypto'
import { createSocket } from 'node:dgram'
import type { Persona } from '@decnet/core'
import { lastBootTime, loadAverage, uptimeSeconds } from '@decnet/core/persona'
import { MongoClient } from 'mongodb'
import { describe, expect, it } from 'vitest'
import { conpotEmulator } from '../src/protocols-binary/conpot.ts'
import { dnsEmulator } from '../src/protocols-binary/dns.ts'
import { mongodbEmulator } from '../src/protocols-binary/mongodb.ts'
import { mqttEmulator } from '../src/protocols-binary/mqtt.ts'
import { mysqlEmulator, mysqlGreeting } from '../src/protocols-binary/mysql.ts'
import { postgresEmulator, postgresRelease } from '../src/protocols-binary/postgres.ts'
import { snmpEmulator } from '../src/protocols-binary/snmp.ts'
import { tftpEmulator } from '../src/protocols-binary/tftp.ts'
import { vncEmulator } from '../src/protocols-binary/vnc.ts'
import { redisEmulator } from '../src/protocols-text/redis.ts'
import { sipEmulator, sipStack } from '../src/protocols-text/sip.ts'
import { rawConnect } from './binary-helpers.ts'
import { pgLoginError } from './binary-helpers-clients.ts'
import { debianPersona, plcPersona, ubuntuPersona, windowsPersona } from './data-personas.ts'
import { cli, digChaos, modbusIdentity, type Started, snmpCli, start } from './data-start.ts'
import { closeStartedAfterEach } from './started.ts'

closeStartedAfterEach()

function greetingOf(packet: Buffer) {
  const versionEnd = packet.indexOf(0, 5)
  const version = packet.subarray(5, versionEnd).toString()
  let offset = versionEnd + 1 + 4 + 8 + 1
  const lower = packet.readUInt16LE(offset)
  const upper = packet.readUInt16LE(offset + 5)
  offset += 2 + 1 + 2 + 2 + 1 + 10 + 12 + 1
  const plugin = packet.subarray(offset, packet.indexOf(0, offset)).toString()
  return { version, capabilities: (upper << 16) | lower, plugin }
}

describe('mysql tells the persona version', () => {
  it('greets as Debian MariaDB or Ubuntu MySQL 8 with that build plugin and flags', async () => {
    // Tell: every decky greeted with MySQL 5.7 `mysql_native_password` whatever its OS said elsewhere.
    const mariadb = await start(mysqlEmulator, debianPersona('1'.repeat(32)))
    const raw = await rawConnect(mariadb.host, mariadb.port)
    const greeting = greetingOf(await raw.readAvailable())
    raw.close()
    expect(greeting.version).toBe('5.5.5-10.11.6-MariaDB-0+deb12u1')
    expect(greeting.plugin).toBe('mysql_native_password')
    // MariaDB ≥ 10.2 clears CLIENT_MYSQL to say it is MariaDB.
    expect(greeting.capabilities & 1).toBe(0)

    const mysql8 = await start(mysqlEmulator, ubuntuPersona('2'.repeat(32)))
    const raw8 = await rawConnect(mysql8.host, mysql8.port)
    const greeting8 = greetingOf(await raw8.readAvailable())
    raw8.close()
    expect(greeting8.version).toBe('8.0.40-0ubuntu0.22.04.1')
    expect(greeting8.plugin).toBe('caching_sha2_password')
    expect(greeting8.capabilities & 1).toBe(1)

    // A real client against the MariaDB persona: the usual refusal, and the login is captured.
    const { stderr } = await cli('mariadb', [
      '-h',
      mariadb.host,
      '-P',
      String(mariadb.port),
      '-u',
      'root',
      '-pToor2024',
      '--connect-timeout=5',
      '-e',
      'select 1',
    ])
    expect(stderr).toContain(`Access denied for user 'root'@'127.0.0.1' (using password: YES)`)
    expect(mariadb.events.some((event) => event.event === 'auth_attempt')).toBe(true)
  })
})

describe('postgres tells the persona release', () => {
  it('words the startup refusal as PostgreSQL 15 does (nmap reads the version from it)', async () => {
    // Tell: auth.c/ProcessStartupPacket with a random line, so nmap could not place the version.
    const started = await start(postgresEmulator, debianPersona('3'.repeat(32)))
    const raw = await rawConnect(started.host, started.port)
    const probe = Buffer.alloc(8)
    probe.writeUInt32BE(8, 0)
    probe.writeUInt32BE(((65363 << 16) | 19778) >>> 0, 4)
    raw.write(probe)
    const reply = (await raw.readAvailable()).toString('latin1')
    raw.close()
    expect(reply).toContain(
      'SFATAL\0VFATAL\0C0A000\0Munsupported frontend protocol 65363.19778: server supports 3.0 to 3.0\0',
    )
    expect(reply).toContain('\0Fpostmaster.c\0L2194\0RProcessStartupPacket\0\0')
  })

  it('asks a PostgreSQL 15 login for SCRAM-SHA-256 and captures a proof that checks against the password', async () => {
    // Tell: MD5 challenges from a server whose release defaults to SCRAM.
    const persona = debianPersona('4'.repeat(32))
    const started = await start(postgresEmulator, persona)
    const error = await pgLoginError(started, {
      user: 'postgres',
      password: 'hunter2',
      database: 'billing',
      connectionTimeoutMillis: 5000,
    })
    expect(error?.code).toBe('28P01')
    const attempt = started.events.find((event) => event.event === 'auth_attempt')
    expect(attempt?.fields.hash_format).toBe('postgres_scram_sha256')
    const salt = Buffer.from(String(attempt?.fields.salt), 'base64')
    const salted = pbkdf2Sync('hunter2', salt, 4096, 32, 'sha256')
    const clientKey = createHmac('sha256', salted).update('Client Key').digest()
    const storedKey = createHash('sha256').update(clientKey).digest()
    const signature = createHmac('sha256', storedKey).update(String(attempt?.fields.auth_message)).digest()
    const proof = Buffer.from(clientKey.map((byte, i) => byte ^ (signature[i] as number)))
    expect(attempt?.fields.hash).toBe(proof.toString('base64'))

    // The same role gets the same salt on the next try, as a real server keeps one per role.
    await pgLoginError(started, { user: 'postgres', password: 'x' })
    const attempts = started.events.filter((event) => event.event === 'auth_attempt')
    expect(attempts[1]?.fields.salt).toBe(attempt?.fields.salt)

    const { stderr } = await cli('psql', [
      `postgresql://postgres:pw@${started.host}:${started.port}/postgres?sslmode=disable`,
      '-c',
      'select 1',
    ])
    expect(stderr).toContain('password authentication failed for user "postgres"')
  })
})

describe('redis INFO is the persona host', () => {
  it('reports the persona kernel, paths, port and an uptime from its boot; run_id is fresh per start', async () => {
    // Tell: `os:Linux 5.15… x86_64` beside a Debian SSH banner, and the same run_id/uptime everywhere.
    const persona = debianPersona('5'.repeat(32))
    const first = await start(redisEmulator, persona)
    const info = (await cli('redis-cli', ['-h', first.host, '-p', String(first.port), 'INFO', 'server']))
      .stdout
    expect(info).toContain('redis_version:7.0.15')
    expect(info).toContain('os:Linux 6.1.0-28-amd64 x86_64')
    expect(info).toContain('config_file:/etc/redis/redis.conf')
    expect(info).toContain('process_supervised:systemd')
    expect(info).toContain(`tcp_port:${first.port}`)
    expect(info).toContain('gcc_version:12.2.0')
    const uptime = Number(/uptime_in_seconds:(\d+)/.exec(info)?.[1])
    const hostUptime = uptimeSeconds(persona, Date.now())
    expect(uptime).toBeLessThanOrEqual(hostUptime)
    expect(uptime).toBeGreaterThan(hostUptime - 120)

    const second = await start(redisEmulator, persona)
    const again = (await cli('redis-cli', ['-h', second.host, '-p', String(second.port), 'INFO', 'server']))
      .stdout
    const runId = (text: string) => /run_id:([0-9a-f]{40})/.exec(text)?.[1]
    expect(runId(info)).toBeDefined()
    expect(runId(again)).not.toBe(runId(info))
    // Same machine, same package: pid and build id stay; a twin decky has its own pid.
    const field = (text: string, name: string) => new RegExp(`${name}:(\\S+)`).exec(text)?.[1]
    expect(field(again, 'process_id')).toBe(field(info, 'process_id'))
    const twin = await start(redisEmulator, debianPersona('6'.repeat(32)))
    const twinInfo = (await cli('redis-cli', ['-h', twin.host, '-p', String(twin.port), 'INFO', 'server']))
      .stdout
    expect(field(twinInfo, 'process_id')).not.toBe(field(info, 'process_id'))
    expect(field(twinInfo, 'uptime_in_seconds')).not.toBe(field(info, 'uptime_in_seconds'))
    expect(field(twinInfo, 'redis_build_id')).toBe(field(info, 'redis_build_id'))
  })
})

describe('dns CHAOS answers are the persona server', () => {
  it('answers version.bind and hostname.bind as the persona BIND, and Windows DNS only its version', async () => {
    // Tell: BIND "9.11.5-P4-5.1+deb10u9-Debian" (Debian 10) on a decky whose web server said Rocky.
    const persona = debianPersona('7'.repeat(32))
    const bind = await start(dnsEmulator, persona)
    expect(await digChaos(bind.host, bind.port, 'version.bind')).toContain('"9.18.28-1~deb12u2-Debian"')
    expect(await digChaos(bind.host, bind.port, 'hostname.bind')).toContain(`"${persona.hostname}"`)
    const windows = await start(dnsEmulator, windowsPersona('8'.repeat(32)))
    expect(await digChaos(windows.host, windows.port, 'version.bind')).toContain(
      '"Microsoft DNS 10.0.17763 (4563100A)"',
    )
    expect(await digChaos(windows.host, windows.port, 'hostname.bind')).toContain('status: REFUSED')
    // In-zone names live under the persona's DNS domain (the one SMB and the shell also tell).
    const soa = (
      await cli('dig', [`@${bind.host}`, '-p', String(bind.port), persona.domain?.dns ?? '', 'SOA', '+short'])
    ).stdout
    expect(soa).toContain(`ns1.${persona.domain?.dns}.`)
  })
})

describe('snmp system group is the persona host', () => {
  it('prints sysDescr as net-snmp on Debian, the persona hostname, boot-based uptime and MAC', async () => {
    // Tell: SNMP said "Ubuntu x86_64" while telnet's uname said Alpine; uptime and MAC were nobody's.
    const persona = debianPersona('9'.repeat(32))
    const agent = await start(snmpEmulator, persona)
    const target = `${agent.host}:${agent.port}`
    const walk = await snmpCli('snmpwalk', target, ['1.3.6.1.2.1.1'])
    expect(walk).toContain(
      '.1.3.6.1.2.1.1.1.0 = STRING: "Linux db-bookworm-07 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64"',
    )
    expect(walk).toContain('.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.8072.3.2.10')
    expect(walk).toContain('.1.3.6.1.2.1.1.5.0 = STRING: "db-bookworm-07"')
    const ticks = Number(/\.1\.3\.6\.1\.2\.1\.1\.3\.0 = Timeticks: \((\d+)\)/.exec(walk)?.[1])
    const uptime = uptimeSeconds(persona, Date.now())
    expect(ticks).toBeLessThanOrEqual(uptime * 100 + 200)
    expect(ticks).toBeGreaterThan((uptime - 60) * 100)
    const mac = await snmpCli('snmpget', target, ['.1.3.6.1.2.1.2.2.1.6.2'])
    expect(mac.toLowerCase()).toContain(persona.mac.replaceAll(':', ' '))
    const hrUptime = await snmpCli('snmpget', target, ['.1.3.6.1.2.1.25.1.1.0'])
    expect(Number(/\((\d+)\)/.exec(hrUptime)?.[1])).toBeGreaterThanOrEqual(ticks)

    // Tell: the same load on every decky. UCD laLoad is the persona's load average of the moment.
    const load = await snmpCli('snmpget', target, ['.1.3.6.1.4.1.2021.10.1.3.1', '.1.3.6.1.4.1.2021.4.5.0'])
    const reported = Number(/10\.1\.3\.1 = STRING: "([\d.]+)"/.exec(load)?.[1])
    expect(Math.abs(reported - loadAverage(persona, Date.now())[0])).toBeLessThan(0.05)
    expect(load).toContain(`.1.3.6.1.4.1.2021.4.5.0 = INTEGER: ${persona.hardware.memoryKb}`)

    // Windows' SNMP service describes the hardware and build, under Microsoft's enterprise OID.
    const windows = await start(snmpEmulator, windowsPersona('a'.repeat(32)))
    const winWalk = await snmpCli('snmpwalk', `${windows.host}:${windows.port}`, ['1.3.6.1.2.1.1'])
    expect(winWalk).toContain(
      'STRING: "Hardware: Intel64 Family 6 Model 85 Stepping 7 AT/AT COMPATIBLE - Software: Windows Version 6.3 (Build 17763 Multiprocessor Free)"',
    )
    expect(winWalk).toContain('OID: .1.3.6.1.4.1.311.1.1.3.1.2')
    expect(winWalk).toContain('STRING: "SRV-FS02"')
  })
})

describe('conpot is the persona PLC everywhere', () => {
  it('identifies over Modbus and SNMP as the persona Siemens CPU (never another device)', async () => {
    // Tell: a PLC answering with a random vendor's identity next to an HP printer MAC.
    const persona = plcPersona('b'.repeat(32))
    const plc = await start(conpotEmulator, persona, { ports: [0, 0] })
    const identity = await modbusIdentity(plc.host, plc.ports[0] as number)
    expect([0, 1, 2].map((id) => identity[id])).toEqual(['Siemens', '6ES7 315-2EH14-0AB0', 'V3.2.17'])
    const walk = await snmpCli('snmpwalk', `${plc.host}:${plc.ports[1]}`, ['1.3.6.1.2.1.1'])
    expect(walk).toContain(
      'STRING: "Siemens, SIMATIC S7, CPU315-2 PN/DP, 6ES7 315-2EH14-0AB0, HW: 4, FW: V3.2.17"',
    )
    expect(walk).toContain('OID: .1.3.6.1.4.1.4329.6.1.2')
    expect(walk).toContain('STRING: "plc-42"')
  })
})

describe('mqtt $SYS is the persona broker', () => {
  it('publishes its mosquitto version and an uptime from the persona boot', async () => {
    // Tell: a mosquitto version drawn apart from the distro the decky claims.
    const persona = debianPersona('c'.repeat(32))
    const broker = await start(mqttEmulator, persona)
    const sub = async (topic: string) =>
      (
        await cli('mosquitto_sub', [
          '-h',
          broker.host,
          '-p',
          String(broker.port),
          '-t',
          topic,
          '-C',
          '1',
          '-W',
          '5',
        ])
      ).stdout
    expect((await sub('$SYS/broker/version')).trim()).toBe('mosquitto version 2.0.11')
    const uptime = Number(/^(\d+) seconds/.exec(await sub('$SYS/broker/uptime'))?.[1])
    const hostUptime = uptimeSeconds(persona, Date.now())
    expect(uptime).toBeLessThanOrEqual(hostUptime)
    expect(uptime).toBeGreaterThan(hostUptime - 120)
  })
})

describe('sip, tftp and vnc speak as the persona products', () => {
  it('answers OPTIONS and REGISTER as Asterisk 20 over PJSIP', async () => {
    // Tell: a User-Agent drawn at random (FreeSWITCH on one start, FreePBX on another) with chan_sip wording.
    const pbx = await start(sipEmulator, debianPersona('d'.repeat(32)))
    const socket = createSocket('udp4')
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
    const exchange = (method: string) =>
      new Promise<string>((resolve) => {
        socket.once('message', (reply) => resolve(reply.toString()))
        socket.send(
          [
            `${method} sip:100@${pbx.host} SIP/2.0`,
            `Via: SIP/2.0/UDP 127.0.0.1:${socket.address().port};branch=z9hG4bK-${method}`,
            'From: <sip:100@example.invalid>;tag=abc',
            `To: <sip:100@${pbx.host}>`,
            `Call-ID: ${method}@127.0.0.1`,
            `CSeq: 1 ${method}`,
            'Content-Length: 0',
            '',
            '',
          ].join('\r\n'),
          pbx.port,
          pbx.host,
        )
      })
    const options = await exchange('OPTIONS')
    const register = await exchange('REGISTER')
    socket.close()
    expect(options).toContain('Server: Asterisk PBX 20.11.0\r\n')
    expect(options).toContain('Supported: 100rel, timer, replaces, norefersub')
    expect(register).toMatch(
      /WWW-Authenticate: Digest realm="asterisk",nonce="\d+\/[0-9a-f]{32}",opaque="[0-9a-f]{16}",algorithm=MD5,qop="auth"/,
    )
  })

  it('refuses a TFTP write of a missing file as tftpd-hpa does', async () => {
    // Tell: "Access violation" for writes, which tftpd-hpa without --create never says for a missing file.
    const server = await start(tftpEmulator, debianPersona('e'.repeat(32)))
    const socket = createSocket('udp4')
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
    const reply = await new Promise<Buffer>((resolve) => {
      socket.once('message', resolve)
      socket.send(Buffer.from('\0\x02upload.bin\0octet\0', 'latin1'), server.port, server.host)
    })
    socket.close()
    expect(reply.readUInt16BE(0)).toBe(5)
    expect(reply.readUInt16BE(2)).toBe(1)
    expect(reply.subarray(4).toString('latin1')).toBe('File not found\0')
  })

  it('opens with the RFB version of the persona VNC server', async () => {
    // Tell: RFB 003.008 from a decky whose persona runs RealVNC (which speaks 005.000).
    const realvnc = await start(vncEmulator, ubuntuPersona('f'.repeat(32)))
    const raw = await rawConnect(realvnc.host, realvnc.port)
    expect((await raw.readAvailable()).toString()).toBe('RFB 005.000\n')
    raw.close()
  })
})

describe('mongodb buildInfo is the persona release', () => {
  it('reports one build per release (same gitVersion on twins), the distro OpenSSL and a boot-time processId', async () => {
    // Tell: a random gitVersion per decky for one and the same MongoDB release.
    const persona = debianPersona('1a'.repeat(16))
    const one = await start(mongodbEmulator, persona)
    const two = await start(mongodbEmulator, debianPersona('2b'.repeat(16)))
    const buildInfo = async (started: Started) => {
      const client = new MongoClient(`mongodb://${started.host}:${started.port}/?directConnection=true`, {
        serverSelectionTimeoutMS: 5000,
      })
      try {
        await client.connect()
        const admin = client.db('admin')
        return { build: await admin.command({ buildInfo: 1 }), hello: await admin.command({ hello: 1 }) }
      } finally {
        await client.close()
      }
    }
    const first = await buildInfo(one)
    const second = await buildInfo(two)
    expect(first.build.version).toBe('7.0.14')
    expect(first.build.gitVersion).toMatch(/^[0-9a-f]{40}$/)
    expect(second.build.gitVersion).toBe(first.build.gitVersion)
    expect(first.build.openssl.running).toBe('OpenSSL 3.0.15 3 Sep 2024')
    expect(first.hello.maxWireVersion).toBe(21)
    const started = first.hello.topologyVersion.processId.getTimestamp().getTime() / 1000
    const boot = lastBootTime(persona, Date.now())
    expect(started).toBeGreaterThanOrEqual(boot)
    expect(started).toBeLessThan(boot + 60)
  })
})

describe('twins: two deckies of one archetype share nothing a real machine would randomise', () => {
  it('differs in SNMP engine id and uptime, MySQL thread ids, PostgreSQL role salts and mongod process id', async () => {
    // Tell: the same load/uptime values, SMB boot second and ids on every decky of an archetype.
    const [left, right] = [debianPersona('3c'.repeat(16)), debianPersona('d7'.repeat(16))]
    const snmpOf = async (persona: Persona) => {
      const agent = await start(snmpEmulator, persona)
      const report = await new Promise<Buffer>((resolve) => {
        const socket = createSocket('udp4')
        socket.once('message', (reply) => {
          socket.close()
          resolve(reply)
        })
        // nmap's SNMPv3 engine discovery request.
        socket.send(
          Buffer.from(
            '303a020103300f02024a69020300ffe3040104020103041030' +
              '0e0400020100020100040004000400301204000400a00c020237f00201000201003000',
            'hex',
          ),
          agent.port,
          agent.host,
        )
      })
      const get = await snmpCli('snmpget', `${agent.host}:${agent.port}`, ['.1.3.6.1.2.1.1.3.0'])
      return {
        engine: report
          .subarray(report.indexOf(Buffer.from([0x80, 0x00, 0x1f, 0x88])))
          .subarray(0, 13)
          .toString('hex'),
        uptime: /\((\d+)\)/.exec(get)?.[1],
      }
    }
    const [a, b] = [await snmpOf(left), await snmpOf(right)]
    expect(a.engine).toMatch(/^80001f8880[0-9a-f]{16}$/)
    expect(b.engine).not.toBe(a.engine)
    expect(b.uptime).not.toBe(a.uptime)

    const threadOf = async (persona: Persona) => {
      const server = await start(mysqlEmulator, persona)
      const raw = await rawConnect(server.host, server.port)
      const packet = await raw.readAvailable()
      raw.close()
      return packet.readUInt32LE(packet.indexOf(0, 5) + 1)
    }
    expect(await threadOf(left)).not.toBe(await threadOf(right))

    const saltOf = async (persona: Persona) => {
      const server = await start(postgresEmulator, persona)
      await pgLoginError(server, { user: 'postgres', password: 'x' })
      return server.events.find((event) => event.event === 'auth_attempt')?.fields.salt
    }
    const leftSalt = await saltOf(left)
    expect(leftSalt).toBeTruthy()
    expect(await saltOf(right)).not.toBe(leftSalt)
  })
})

describe('product tables', () => {
  it('words each SIP stack as that PBX does', () => {
    // Tell: one Allow list and nonce style for Asterisk 16, Asterisk 20 and FreeSWITCH alike.
    const chanSip = sipStack(
      { product: 'asterisk', version: '16.2.1', banner: 'Asterisk PBX 16.2.1~dfsg-2ubuntu1', attrs: {} },
      undefined,
      'h',
    )
    expect(chanSip.agentHeader).toBe('Server: Asterisk PBX 16.2.1~dfsg-2ubuntu1')
    expect(chanSip.challenge('asterisk')).toMatch(
      /^WWW-Authenticate: Digest algorithm=MD5, realm="asterisk", nonce="[0-9a-f]{8}"$/,
    )
    expect(chanSip.toTag()).toMatch(/^as[0-9a-f]{8}$/)
    const sofia = sipStack(
      {
        product: 'freeswitch',
        version: '1.10.11',
        banner: 'FreeSWITCH-mod_sofia/1.10.11-release~64bit',
        attrs: {},
      },
      undefined,
      '10.0.0.5',
    )
    expect(sofia.agentHeader).toBe('User-Agent: FreeSWITCH-mod_sofia/1.10.11-release~64bit')
    expect(sofia.realm).toBe('10.0.0.5')
  })

  it('greets as each MariaDB/MySQL line does', () => {
    const product = (name: string, banner: string) => ({ product: name, version: banner, banner, attrs: {} })
    // 11.x dropped the 5.5.5- prefix; 5.5 never needed it; 10.x always sends it.
    expect(mysqlGreeting(product('mariadb', '11.4.3-MariaDB-1')).version).toBe('11.4.3-MariaDB-1')
    expect(mysqlGreeting(product('mariadb', '5.5.68-MariaDB')).version).toBe('5.5.68-MariaDB')
    expect(mysqlGreeting(product('mariadb', '10.5.22-MariaDB')).version).toBe('5.5.5-10.5.22-MariaDB')
    expect(mysqlGreeting(product('mysql', '5.7.44-log')).authPlugin).toBe('mysql_native_password')
  })

  it('places each PostgreSQL major where nmap expects it', () => {
    expect(postgresRelease('9.2.24')).toMatchObject({
      startupLine: '1755',
      nonLocalisedSeverity: false,
      scram: false,
    })
    expect(postgresRelease('13.16')).toMatchObject({
      startupLine: '2133',
      earliestProtocol: '2.0',
      scram: false,
    })
    expect(postgresRelease('17.2')).toMatchObject({ startupFile: 'backend_startup.c', scram: true })
  })
})
