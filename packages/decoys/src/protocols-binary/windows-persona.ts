import type { EmulatorContext } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import type { NtlmIdentity } from './ntlmssp.ts'

/** What Samba's NTLMSSP advertises in its VERSION structure (it is not a Windows build). */
const SAMBA_VERSION = { major: 6, minor: 1, build: 0 }

const netbiosName = (text: string) =>
  text
    .toUpperCase()
    .replace(/[^A-Z0-9-]/g, '')
    .slice(0, 15)

/** `dc=corp,dc=local` → `corp.local` (LDAP's `base_dn` config names the AD domain). */
function domainOfBaseDn(baseDn: string | undefined): string | undefined {
  const labels = (baseDn ?? '')
    .split(',')
    .map((part) => /^\s*dc=(.+?)\s*$/i.exec(part)?.[1])
    .filter((label): label is string => label !== undefined)
  return labels.length > 0 ? labels.join('.') : undefined
}

/**
 * The Windows identity a decky shows in NTLM challenges and the directory, read from its persona:
 * the computer name, the fleet's AD domain (or a workgroup when the persona is not joined) and the
 * Windows build. SMB, RDP, LDAP and MSSQL all read it, so every port names the same machine.
 * Operator overrides (config): `domain` (DNS) or LDAP's `base_dn`, `workgroup` (NetBIOS domain;
 * `WORKGROUP` means a stand-alone machine, which answers with its own name), `server_name`.
 */
export function windowsIdentity(ctx: EmulatorContext): NtlmIdentity {
  const { persona } = ctx
  const computer =
    netbiosName(configString(ctx.config, 'server_name') ?? ctx.hostname.split('.')[0] ?? '') ||
    netbiosName(persona.hostname) ||
    'SERVER'
  const windows = persona.os.windows
  const version = windows
    ? { major: windows.major, minor: windows.minor, build: windows.build }
    : SAMBA_VERSION
  const workgroup = configString(ctx.config, 'workgroup')
  const configuredDns = (
    configString(ctx.config, 'domain') ?? domainOfBaseDn(configString(ctx.config, 'base_dn'))
  )
    ?.toLowerCase()
    .replace(/[^a-z0-9.-]/g, '')
  const fleet = persona.domain
  const overridden = workgroup !== undefined || Boolean(configuredDns)
  const standalone =
    (workgroup !== undefined && netbiosName(workgroup) === 'WORKGROUP') || (!overridden && !fleet?.joined)
  if (standalone || (!overridden && !fleet)) {
    const name = computer.toLowerCase()
    return {
      standalone: true,
      netbiosDomain: computer,
      netbiosComputer: computer,
      dnsDomain: name,
      dnsComputer: name,
      version,
    }
  }
  const netbiosDomain =
    netbiosName(workgroup ?? configuredDns?.split('.')[0] ?? fleet?.netbios ?? '') || computer
  const dnsDomain =
    configuredDns || (overridden ? `${netbiosDomain.toLowerCase()}.local` : (fleet?.dns ?? ''))
  return {
    standalone: false,
    netbiosDomain,
    netbiosComputer: computer,
    dnsDomain,
    dnsComputer: `${computer.toLowerCase()}.${dnsDomain}`,
    version,
  }
}
