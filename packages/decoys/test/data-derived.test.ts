import type { Persona } from '@decnet/core'
import { derivePersona, LINUX_DISTRO_PROFILES, seedFromName } from '@decnet/core/persona'
import { describe, expect, it } from 'vitest'
import { conpotEmulator } from '../src/protocols-binary/conpot.ts'
import { dnsEmulator } from '../src/protocols-binary/dns.ts'
import { mysqlEmulator } from '../src/protocols-binary/mysql.ts'
import { snmpEmulator } from '../src/protocols-binary/snmp.ts'
import { redisEmulator } from '../src/protocols-text/redis.ts'
import { rawConnect } from './binary-helpers.ts'
import { cli, digChaos, modbusIdentity, snmpCli, start } from './data-start.ts'
import { closeStartedAfterEach } from './started.ts'

closeStartedAfterEach()

/** Every Linux distro's derived persona: what each data service announces is what the persona says. */
const DISTROS = Object.keys(LINUX_DISTRO_PROFILES)

describe('derived personas of every Linux distro', () => {
  it.each(DISTROS)(
    '%s: mysql, redis, BIND and SNMP all announce the persona products and kernel',
    async (distro) => {
      // Tell: BIND "Debian 10" next to Apache "Rocky", SNMP "Ubuntu" beside an Alpine uname.
      const persona: Persona = derivePersona({
        seed: seedFromName(`data-${distro}`),
        osFamily: 'linux',
        distro,
      })
      const mysql = await start(mysqlEmulator, persona)
      const raw = await rawConnect(mysql.host, mysql.port)
      const greeting = await raw.readAvailable()
      raw.close()
      const version = greeting.subarray(5, greeting.indexOf(0, 5)).toString()
      expect(version.replace(/^5\.5\.5-/, '')).toBe(persona.services.mysql?.banner)

      const redis = await start(redisEmulator, persona)
      const info = (await cli('redis-cli', ['-h', redis.host, '-p', String(redis.port), 'INFO', 'server']))
        .stdout
      expect(info).toContain(`redis_version:${persona.services.redis?.version}`)
      expect(info).toContain(`os:Linux ${persona.os.kernel} ${persona.os.arch}`)

      const dns = await start(dnsEmulator, persona)
      const chaos = await digChaos(dns.host, dns.port, 'version.bind', '+short')
      expect(chaos.trim()).toBe(`"${persona.services.dns?.banner}"`)

      const snmp = await start(snmpEmulator, persona)
      const descr = (
        await snmpCli('snmpget', `${snmp.host}:${snmp.port}`, ['.1.3.6.1.2.1.1.1.0'], '-Oqv')
      ).trim()
      expect(descr).toBe(
        `"Linux ${persona.hostname} ${persona.os.kernel} ${persona.os.kernelVersion} ${persona.os.arch}"`,
      )
    },
  )
})

describe('derived personas of Windows servers and devices', () => {
  it('a Windows Server persona answers SNMP and DNS as Windows, with its own build', async () => {
    // Tell: a net-snmp Linux sysDescr and a BIND version from a decky whose SMB said Windows.
    const persona = derivePersona({
      seed: seedFromName('data-windows'),
      osFamily: 'windows_server',
      distro: 'debian',
    })
    const snmp = await start(snmpEmulator, persona)
    const descr = (
      await snmpCli('snmpget', `${snmp.host}:${snmp.port}`, ['.1.3.6.1.2.1.1.1.0'], '-Oqv')
    ).trim()
    expect(descr).toBe(`"${persona.services.snmp?.banner}"`)
    expect(descr).toContain(`Build ${persona.os.windows?.build}`)
    const dns = await start(dnsEmulator, persona)
    const chaos = (await digChaos(dns.host, dns.port, 'version.bind', '+short')).trim()
    expect(chaos).toBe(`"${persona.services.dns?.banner}"`)
  })

  it('an industrial-control persona identifies over Modbus as its own PLC', async () => {
    // Tell: a PLC carrying another device's identity (an HP printer MAC on a PLC).
    const persona = derivePersona({
      seed: seedFromName('data-plc'),
      osFamily: 'embedded',
      distro: 'debian',
      archetype: 'industrial-control',
      services: ['conpot', 'snmp'],
    })
    const plc = await start(conpotEmulator, persona, { ports: [0, 0] })
    const objects = await modbusIdentity(plc.host, plc.ports[0] as number)
    expect(objects[0]).toBe(persona.services.conpot?.attrs.vendor)
    expect(objects[2]).toBe(persona.services.conpot?.attrs.firmware)
    const sysDescr = (
      await snmpCli('snmpget', `${plc.host}:${plc.ports[1]}`, ['.1.3.6.1.2.1.1.1.0'], '-Oqv')
    ).trim()
    expect(sysDescr).toBe(`"${persona.services.snmp?.banner}"`)
    expect(sysDescr).toContain(persona.services.conpot?.attrs.vendor ?? '?')
  })
})
