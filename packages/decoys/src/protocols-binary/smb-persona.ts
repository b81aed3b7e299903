import type { Persona } from '@decnet/core/schemas'
import type { ServiceConfigValue } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { zonedTime } from '../protocols-text/wire-time.ts'
import type { NtlmIdentity } from './ntlmssp.ts'
import type { Smb1Persona } from './smb1.ts'
import { KRB5_OID, MS_KRB5_OID, NEGOEX_OID, NTLMSSP_OID } from './spnego.ts'
import { isSamba, ntlmIdentity, personaKeyed, sambaVersion, windowsBuild } from './windows-persona.ts'

/** What an SMB2 server of the persona announces in NEGOTIATE, read once per emulator start. */
export type SmbProfile = {
  product: 'windows' | 'samba'
  identity: NtlmIdentity
  /** Dialect codes the server accepts, ascending (0x0202 … 0x0311). */
  dialects: number[]
  /** SMB2 SecurityMode: 0x01 signing enabled, 0x03 enabled and required. */
  securityMode: number
  /** Per machine (Windows keeps it in the registry): two deckies never share one. */
  serverGuid: Buffer
  /** ServerStartTime in ms since the epoch, or 0 where the real server sends zero. */
  startTimeMs: number
  /** SPNEGO mechanisms of the NEGOTIATE security buffer, in the server's order. */
  mechanisms: string[]
  /** SMB 3.1.1 SIGNING_CAPABILITIES context (AES-GMAC): Windows 11 / Server 2022, Samba 4.15+. */
  signingContext: boolean
  /** SMB1, on by default only on Server 2012 R2 / 2016 (2019 and Windows 10 1709+ drop it) and Samba < 4.11. */
  smb1?: Smb1Persona
}

/** Minutes to add to the zone's local time to get UTC, now (negative east of Greenwich). */
export function utcOffsetMinutes(timeZone: string, nowMs = Date.now()): number {
  return 0 - zonedTime(nowMs, timeZone).offsetMinutes
}

const DIALECT_CODES: Readonly<Record<string, number>> = {
  '2.0.2': 0x0202,
  '2.1': 0x0210,
  '3.0': 0x0300,
  '3.0.2': 0x0302,
  '3.1.1': 0x0311,
}

export const dialectName = (code: number) =>
  Object.entries(DIALECT_CODES).find(([, value]) => value === code)?.[0] ?? `0x${code.toString(16)}`

/** `4.17.12` → [4, 17]. */
function majorMinor(version: string): [number, number] {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0)
  return [major, minor]
}

/** Samba offers SMB 3.1.1 from 4.3; before that it stopped at 3.0. */
function sambaDialects(version: string): string[] {
  const [major, minor] = majorMinor(version)
  const modern = major > 4 || (major === 4 && minor >= 3)
  return modern ? ['2.0.2', '2.1', '3.0', '3.0.2', '3.1.1'] : ['2.0.2', '2.1', '3.0']
}

const netbiosUpper = (text: string) =>
  text
    .toUpperCase()
    .replace(/[^A-Z0-9-]/g, '')
    .slice(0, 15) || 'WORKGROUP'

/** Builds 10240 (Windows 10 / Server 2016) and later send ServerStartTime 0; 8.1 / 2012 R2 sent the boot time. */
const SENDS_START_TIME_BEFORE_BUILD = 10240

export function smbProfile(persona: Persona, config: Record<string, ServiceConfigValue> = {}): SmbProfile {
  const identity = ntlmIdentity(persona, config)
  const serverGuid = personaKeyed(persona, 'smb:server-guid', 16)
  if (isSamba(persona, 'smb')) {
    const version = sambaVersion(persona)
    const [major, minor] = majorMinor(version)
    return {
      product: 'samba',
      identity,
      dialects: sambaDialects(version).map((name) => DIALECT_CODES[name] as number),
      // `server signing = default`: enabled, required only on an AD DC.
      securityMode: 0x01,
      serverGuid,
      startTimeMs: 0,
      mechanisms: identity.standalone ? [NTLMSSP_OID] : [MS_KRB5_OID, KRB5_OID, NTLMSSP_OID],
      signingContext: major > 4 || (major === 4 && minor >= 15),
      // `server min protocol` became SMB2_02 in 4.11; before, smbd still spoke NT1.
      ...(major < 4 || (major === 4 && minor < 11)
        ? {
            smb1: {
              nativeOs: 'Windows 6.1',
              nativeLanMan: `Samba ${version}`,
              timeZoneMinutes: utcOffsetMinutes(persona.timezone),
              maxMpx: 50,
              maxBuffer: 16644,
              capabilities: 0x0000f3fd,
              dialects: ['NT LANMAN 1.0', 'NT LM 0.12'],
              workgroup: identity.standalone
                ? netbiosUpper(configString(config, 'workgroup') ?? persona.domain?.netbios ?? 'WORKGROUP')
                : identity.netbiosDomain,
            },
          }
        : {}),
    }
  }
  const build = windowsBuild(persona)
  const dialects = (build?.smbDialects ?? ['2.0.2', '2.1', '3.0', '3.0.2', '3.1.1'])
    .map((name) => DIALECT_CODES[name])
    .filter((code): code is number => code !== undefined)
  return {
    product: 'windows',
    identity,
    dialects,
    // Servers (and DCs) require signing; workstations enable it without requiring it.
    securityMode: build?.server ? 0x03 : 0x01,
    serverGuid,
    startTimeMs: (build?.build ?? 0) < SENDS_START_TIME_BEFORE_BUILD ? persona.bootTime * 1000 : 0,
    mechanisms: identity.standalone
      ? [NEGOEX_OID, NTLMSSP_OID]
      : [NEGOEX_OID, MS_KRB5_OID, KRB5_OID, NTLMSSP_OID],
    signingContext: (build?.build ?? 0) >= 20348,
    ...(build?.server && build.build < 17763
      ? {
          smb1: {
            nativeOs: `${build.productName} ${build.build}`,
            nativeLanMan: `${build.productName} 6.3`,
            timeZoneMinutes: utcOffsetMinutes(persona.timezone),
            maxMpx: 50,
            maxBuffer: 16644,
            capabilities: 0x0001f3fc,
            dialects: ['NT LM 0.12'],
            workgroup: identity.standalone ? 'WORKGROUP' : identity.netbiosDomain,
          },
        }
      : {}),
  }
}

/** NEGOTIATE Capabilities per dialect, as the product sets them (MS-SMB2 2.2.4). */
export function capabilities(profile: SmbProfile, dialect: number): number {
  const DFS = 0x1
  const LEASING = 0x2
  const LARGE_MTU = 0x4
  const MULTI_CHANNEL = 0x8
  const DIRECTORY_LEASING = 0x20
  const ENCRYPTION = 0x40
  if (dialect === 0x0202) return DFS
  if (dialect === 0x0210 || dialect === 0x02ff) return DFS | LEASING | LARGE_MTU
  // 3.1.1 negotiates encryption in a context, so the capability bit is left clear.
  const encryption = dialect === 0x0311 ? 0 : ENCRYPTION
  if (profile.product === 'samba') return DFS | LEASING | LARGE_MTU | encryption
  return DFS | LEASING | LARGE_MTU | MULTI_CHANNEL | DIRECTORY_LEASING | encryption
}
