import snmp from 'net-snmp'
import { describe, expect, it } from 'vitest'
import { snmpEmulator } from '../src/protocols-binary/snmp.ts'
import { closeStartedAfterEach, startBinary } from './binary-helpers.ts'
import { snmpGet } from './binary-helpers-clients.ts'

closeStartedAfterEach()

const SYSTEM = ['1.3.6.1.2.1.1.1.0', '1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.1.5.0']

describe('snmp emulator', () => {
  it('answers the system group for the right community and logs community + OIDs', async () => {
    const started = await startBinary(snmpEmulator, {
      config: { community: 'n0c-r3ad' },
      hostname: 'core-sw-01',
    })
    const varbinds = await snmpGet(started.host, started.port, 'n0c-r3ad', SYSTEM)
    expect(varbinds.map((varbind) => varbind.oid)).toEqual(SYSTEM)
    expect(String(varbinds[0]?.value).length).toBeGreaterThan(10)
    expect(varbinds[1]?.type).toBe(snmp.ObjectType.TimeTicks)
    expect(Number(varbinds[1]?.value)).toBeGreaterThan(3 * 86_400 * 100)
    expect(String(varbinds[2]?.value)).toBe('core-sw-01')
    const v1 = await snmpGet(started.host, started.port, 'n0c-r3ad', ['1.3.6.1.2.1.1.5.0'], snmp.Version1)
    expect(String(v1[0]?.value)).toBe('core-sw-01')
    const logged = await started.waitFor((event) => event.fields.pdu === 'get')
    expect(logged.fields).toMatchObject({
      community: 'n0c-r3ad',
      version: '2c',
      answered: true,
      oids: SYSTEM.join(','),
    })
    expect(logged.secret_fields).toEqual(['community'])
  })

  it('describes a Linux host of the decky distro when one is known', async () => {
    const started = await startBinary(snmpEmulator, { distro: 'rocky9', hostname: 'proxy42.localdomain' })
    const [descr] = await snmpGet(started.host, started.port, 'public', ['1.3.6.1.2.1.1.1.0'])
    expect(String(descr?.value)).toMatch(/^Linux proxy42\.localdomain 5\.14\.0-\d+\.el9_3\.x86_64 /)
  })

  it('stays silent for a wrong community but logs the guess', async () => {
    const started = await startBinary(snmpEmulator)
    await expect(snmpGet(started.host, started.port, 'private', SYSTEM)).rejects.toMatchObject({
      name: 'RequestTimedOutError',
    })
    const logged = await started.waitFor((event) => event.fields.community === 'private')
    expect(logged.fields.answered).toBe(false)
  })

  it('walks the system group with GETNEXT and ends the MIB view', async () => {
    const started = await startBinary(snmpEmulator)
    const session = snmp.createSession(started.host, 'public', {
      port: started.port,
      timeout: 400,
      retries: 0,
    })
    const walked: string[] = []
    await new Promise<void>((resolve, reject) => {
      session.walk(
        '1.3.6.1.2.1.1',
        5,
        (varbinds) => {
          for (const varbind of varbinds) walked.push(varbind.oid)
        },
        (error) => {
          session.close()
          if (error) reject(error)
          else resolve()
        },
      )
    })
    expect(walked).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `1.3.6.1.2.1.1.${n}.0`))
  })
})
