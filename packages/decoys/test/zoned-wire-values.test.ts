import { describe, expect, it } from 'vitest'
import { utcOffsetMinutes } from '../src/protocols-binary/smb-persona.ts'
import { dateAndTime } from '../src/protocols-binary/snmp-host-mib.ts'

// 2026-07-01 12:34:56.7 UTC: summer time in both hemispheres' northern zones.
const AT = Date.UTC(2026, 6, 1, 12, 34, 56, 700)

describe('zoned values on the wire (SNMP DateAndTime, SMB time zone)', () => {
  it('SNMP hrSystemDate is the local time with its offset from UTC', () => {
    expect([...dateAndTime(AT, 'Europe/Berlin')]).toEqual([0x07, 0xea, 7, 1, 14, 34, 56, 7, 0x2b, 2, 0])
    expect([...dateAndTime(AT, 'America/New_York')]).toEqual([0x07, 0xea, 7, 1, 8, 34, 56, 7, 0x2d, 4, 0])
    expect([...dateAndTime(AT, 'Asia/Kolkata')]).toEqual([0x07, 0xea, 7, 1, 18, 4, 56, 7, 0x2b, 5, 30])
    expect([...dateAndTime(AT, 'No/Such_Zone')]).toEqual([0x07, 0xea, 7, 1, 12, 34, 56, 7, 0x2b, 0, 0])
  })

  it('SMB TimeZone is minutes to add to local time for UTC (negative east of Greenwich)', () => {
    expect(utcOffsetMinutes('Europe/Berlin', AT)).toBe(-120)
    expect(utcOffsetMinutes('America/New_York', AT)).toBe(240)
    expect(utcOffsetMinutes('Asia/Kolkata', AT)).toBe(-330)
    expect(utcOffsetMinutes('No/Such_Zone', AT)).toBe(0)
  })
})
