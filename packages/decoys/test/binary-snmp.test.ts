import { uptimeSeconds } from '@decnet/core/persona'
import snmp from 'net-snmp'
import { describe, expect, it } from 'vitest'
import { snmpEmulator } from '../src/protocols-binary/snmp.ts'
import { closeStartedAfterEach, startBinary } from './binary-helpers.ts'
import { snmpGet } from './binary-helpers-clients.ts'
import { debianPersona } from './data-personas.ts'
import { start } from './data-start.ts'

closeStartedAfterEach()

const SYSTEM = ['1.3.6.1.2.1.1.1.0', '1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.1.5.0']

describe('snmp emulator', () => {
  it('answers the system group for the right community and logs community + OIDs', async () => {
    const persona = debianPersona('5e'.repeat(16), { hostname: 'core-sw-01' })
    const started = await start(snmpEmulator, persona, { config: { community: 'n0c-r3ad' } })
    const varbinds = await snmpGet(started.host, started.port, 'n0c-r3ad', SYSTEM)
    expect(varbinds.map((varbind) => varbind.oid)).toEqual(SYSTEM)
    expect(String(varbinds[0]?.value).length).toBeGreaterThan(10)
    expect(varbinds[1]?.type).toBe(snmp.ObjectType.TimeTicks)
    // sysUpTime counts from the persona's boot (the agent starts a few seconds after the kernel).
    expect(Number(varbinds[1]?.value)).toBeGreaterThan((uptimeSeconds(persona, Date.now()) - 60) * 100)
    expect(String(varbinds[2]?.value)).toBe('core-sw-01')
    const v1 = await snmpGet(started.host, started.port, 'n0c-r3ad', ['1.3.6.1.2.1.1.5.0'], snmp.Version1)
    expect(String(v1[0]?.value)).toBe('core-sw-01')
    const logged = started.events.find((event) => event.fields.pdu === 'get')
    if (!logged) throw new Error('no get logged')
    expect(logged.fields).toMatchObject({
      community: 'n0c-r3ad',
      version: '2c',
      answered: true,
      oids: SYSTEM.join(','),
    })
    expect(logged.secret_fields).toEqual(['community'])
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
      // The system subtree: the agent also serves interfaces, hrSystem and UCD beyond it.
      session.subtree(
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
