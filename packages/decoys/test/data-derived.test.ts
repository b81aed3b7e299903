import type { Persona } from '@decnet/core'
import { derivePersona, LINUX_DISTRO_PROFILES, seedFromName } from '@decnet/core/persona'
import { describe, expect, it } from 'vitest'
import { dnsEmulator } from '../src/protocols-binary/dns.ts'
import { mysqlEmulator } from '../src/protocols-binary/mysql.ts'
import { snmpEmulator } from '../src/protocols-binary/snmp.ts'
import { redisEmulator } from '../src/protocols-text/redis.ts'
import { rawConnect } from './binary-helpers.ts'
import { cli, start } from './data-start.ts'
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
      const chaos = (
        await cli('dig', [
          `@${dns.host}`,
          '-p',
          String(dns.port),
          'version.bind',
          'chaos',
          'txt',
          '+short',
          '+time=3',
          '+tries=1',
        ])
      ).stdout
      expect(chaos.trim()).toBe(`"${persona.services.dns?.banner}"`)

      const snmp = await start(snmpEmulator, persona)
      const descr = (
        await cli('snmpget', [
          '-v2c',
          '-c',
          'public',
          '-Oqv',
          '-t',
          '2',
          '-r',
          '0',
          `${snmp.host}:${snmp.port}`,
          '.1.3.6.1.2.1.1.1.0',
        ])
      ).stdout.trim()
      expect(descr).toBe(
        `"Linux ${persona.hostname} ${persona.os.kernel} ${persona.os.kernelVersion} ${persona.os.arch}"`,
      )
    },
  )
})
