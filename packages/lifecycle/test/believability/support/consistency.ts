// One story per decky: every claim a service makes (OS, kernel/build, hostname, domain, clock, boot
// time) held against the decky's persona, the one source every emulator must read.
import { lastBootTime, type Persona } from '@decnet/core'
import { ostypeFits } from './expectations.ts'
import type { Fact } from './facts.ts'

/** The window the facts were read in (epoch ms): a live clock reads inside it. */
export type ReadWindow = { startMs: number; endMs: number }

/** Clocks and boot times are compared with this slack (scan duration is in the window already). */
const CLOCK_SLACK_MS = 120_000
/** A clock read at a known instant: only latency on a loaded machine separates it from ours. */
const DIRECT_CLOCK_SLACK_MS = 30_000
const BOOT_SLACK_S = 600

const firstLabel = (name: string) => name.split('.')[0]?.toLowerCase() ?? ''

function parseClock(value: string): { ms: number; offsetMinutes?: number } | undefined {
  const ldap = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(value)
  if (ldap) {
    const [, y, mo, d, h, mi, s] = ldap.map(Number)
    return { ms: Date.UTC(y as number, (mo as number) - 1, d, h, mi, s) }
  }
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(value.trim())
  const ms = Date.parse(/T[\d:]+$/.test(value) ? `${value}Z` : value)
  if (Number.isNaN(ms)) return undefined
  if (!offset) return { ms }
  const minutes = Number(offset[2]) * 60 + Number(offset[3])
  return { ms, offsetMinutes: offset[1] === '-' ? -minutes : minutes }
}

/** The UTC offset (minutes) of an IANA zone at an instant. */
export function zoneOffsetMinutes(timeZone: string, ms: number): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(ms))
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT'
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name)
  if (!match) return 0
  const minutes = Number(match[2]) * 60 + Number(match[3])
  return match[1] === '-' ? -minutes : minutes
}

/** msDS-Behavior-Version of a DC by Windows build: 2008 R2 4, 2012 5, 2012 R2 6, 2016–2022 7, 2025 10. */
function dcFunctionalLevel(build: number): number {
  if (build >= 26100) return 10
  if (build >= 14393) return 7
  if (build >= 9600) return 6
  if (build >= 9200) return 5
  return 4
}

function osMismatch(persona: Persona, value: string): string | undefined {
  const v = value.trim()
  // nmap's ostype can name the release ("Windows 2012 R2", "Windows XP"): it must be the persona's.
  const release = /^Windows (.+)$/i.exec(v)?.[1]
  if (release && persona.os.windows && !persona.os.name.toLowerCase().includes(release.toLowerCase()))
    return `says '${v}', persona is ${persona.os.name}`
  // os-release `ID VERSION_ID` as the shell shows it.
  const osRelease = /^os-release:(.*)$/.exec(v)?.[1]
  if (osRelease !== undefined) {
    const want = `${persona.os.id} ${persona.os.versionId}`
    return osRelease === want ? undefined : `says '${osRelease}', persona is '${want}' (${persona.os.name})`
  }
  if (/^UNIX Type/i.test(v))
    return ostypeFits(persona, 'Unix') ? undefined : `says '${v}' on a ${persona.family} persona`
  if (/^Windows_NT/i.test(v))
    return ostypeFits(persona, 'Windows') ? undefined : `says '${v}' on a ${persona.family} persona`
  return ostypeFits(persona, v)
    ? undefined
    : `says '${v}' on a ${persona.family} persona (${persona.os.name})`
}

/** Why a claim contradicts the persona, or undefined when it tells the same story. */
export function claimMismatch(persona: Persona, fact: Fact, window: ReadWindow): string | undefined {
  const value = fact.value.trim()
  switch (fact.claim) {
    case undefined:
      return undefined
    case 'os':
      return osMismatch(persona, value)
    case 'mac':
      // The tell: MAC suffixes that followed the decky name, vendors that did not fit the hardware.
      return value.toLowerCase() === persona.mac.toLowerCase()
        ? undefined
        : `MAC ${value} is not the persona's ${persona.mac} (${persona.hardware.vendor})`
    case 'kernel':
      return value.includes(persona.os.kernel)
        ? undefined
        : `says '${value}', persona kernel is '${persona.os.kernel}'`
    case 'build': {
      const win = persona.os.windows
      const dialects = /^dialects:(.*)$/.exec(value)?.[1]
      if (dialects !== undefined) {
        // SMB dialects follow the build (Windows) or the Samba version (Linux): compare when Windows.
        if (!win) return undefined
        const offered = dialects.split(',').filter(Boolean)
        // SMB1 is a separate feature: installed and on by default before 1709 (build 16299).
        if (offered.includes('SMBv1') && win.build >= 16299)
          return `offers SMBv1, off by default since build 16299; persona build is ${win.build}`
        const smb2 = offered.filter((d) => d !== 'SMBv1').join(',')
        const want = win.smbDialects.join(',')
        return smb2 === want
          ? undefined
          : `offers SMB dialects ${smb2 || 'none'}, build ${win.build} offers ${want}`
      }
      const level = /^dcFunctionality:(\d+)$/.exec(value)?.[1]
      if (level !== undefined) {
        if (!win) return `an AD domain controller functional level on a ${persona.family} persona`
        const want = dcFunctionalLevel(win.build)
        return Number(level) === want
          ? undefined
          : `DC functional level ${level}, build ${win.build} (${win.productName}) has ${want}`
      }
      // Samba's NTLMSSP always announces version 6.1 build 0, whatever the Samba release.
      if (!win && fact.field === 'ntlm version' && persona.services.smb?.product === 'samba')
        return value === '6.1.0' ? undefined : `NTLM version '${value}', Samba announces 6.1.0`
      if (!win) return `states a Windows build '${value}' on a ${persona.family} persona`
      const build = `${win.major}.${win.minor}.${win.build}`
      return value.includes(build) || value.includes(String(win.build))
        ? undefined
        : `says '${value}', persona build is ${build}.${win.ubr}`
    }
    case 'hostname': {
      if (firstLabel(value) !== persona.hostname.toLowerCase())
        return `says '${value}', persona hostname is '${persona.hostname}'`
      const suffix = value.includes('.') ? value.slice(value.indexOf('.') + 1).toLowerCase() : ''
      if (suffix && persona.domain && suffix !== persona.domain.dns.toLowerCase())
        return `FQDN '${value}' is not in the persona domain '${persona.domain.dns}'`
      return undefined
    }
    case 'domain': {
      if (!persona.domain) return `says domain '${value}', persona has none`
      const dn = /^DC=/i.test(value)
        ? value
            .split(',')
            .map((part) => part.replace(/^DC=/i, ''))
            .join('.')
        : value
      const d = dn.toLowerCase()
      // A machine outside the domain (workgroup Windows, stand-alone Samba) names itself as its
      // NTLM domain: its own SAM.
      if (!persona.domain.joined && d === persona.hostname.toLowerCase()) return undefined
      return d === persona.domain.dns.toLowerCase() || d === persona.domain.netbios.toLowerCase()
        ? undefined
        : `says '${value}', persona domain is ${persona.domain.netbios} / ${persona.domain.dns}`
    }
    case 'time': {
      const clock = parseClock(value)
      if (!clock) return `unreadable clock '${value}'`
      if (fact.readAtMs !== undefined) {
        // Second resolution on the wire: allow the second it was truncated to.
        const off = clock.ms - fact.readAtMs
        if (off < -DIRECT_CLOCK_SLACK_MS - 1000 || off > DIRECT_CLOCK_SLACK_MS)
          return `clock '${value}' is ${Math.round(off / 1000)} s off the instant it was read (frozen or skewed)`
      } else if (clock.ms < window.startMs - CLOCK_SLACK_MS || clock.ms > window.endMs + CLOCK_SLACK_MS)
        return `clock '${value}' is ${Math.round((clock.ms - window.startMs) / 1000)} s off the real time (frozen or skewed)`
      // Only clocks printed in local time carry the zone (SMTP greetings, `date -R`); NTLM, SMB
      // and LDAP clocks are UTC by protocol, whatever nmap prints after them.
      if (fact.localTime && clock.offsetMinutes !== undefined) {
        const want = zoneOffsetMinutes(persona.timezone, clock.ms)
        if (clock.offsetMinutes !== want)
          return `clock '${value}' has UTC offset ${clock.offsetMinutes} min, persona zone ${persona.timezone} is ${want} min`
      }
      return undefined
    }
    case 'boot': {
      if (value === 'none' || value === 'N/A') return undefined // Windows 10+ sends no SMB boot time
      const uptime = /^uptime:([\d.]+)$/.exec(value)?.[1]
      const bootMs = uptime ? window.startMs - Number(uptime) * 1000 : parseClock(value)?.ms
      if (bootMs === undefined || Number.isNaN(bootMs)) return `unreadable boot time '${value}'`
      // Personas reboot on their patch cycle: the boot every service must agree on is the latest one.
      const boot = lastBootTime(persona, window.startMs)
      const off = Math.round(bootMs / 1000 - boot)
      // An uptime read later than startMs makes the boot look later: allow the read window too.
      const slack = BOOT_SLACK_S + (window.endMs - window.startMs) / 1000
      return Math.abs(off) <= slack
        ? undefined
        : `boot time ${new Date(bootMs).toISOString()} (from '${value}') is ${off} s off the persona's last boot ${new Date(boot * 1000).toISOString()}`
    }
  }
}
