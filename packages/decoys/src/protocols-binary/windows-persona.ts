import type { EmulatorContext } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { seededRandom } from '../framework/random.ts'
import type { NtlmIdentity } from './ntlmssp.ts'

const WINDOWS_VERSIONS = [
  { major: 10, minor: 0, build: 17763 },
  { major: 10, minor: 0, build: 20348 },
  { major: 10, minor: 0, build: 14393 },
  { major: 10, minor: 0, build: 19045 },
  { major: 6, minor: 3, build: 9600 },
]
const DOMAINS = ['CORP', 'ACME', 'HQ', 'OFFICE', 'INTERNAL', 'FINANCE']

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
 * The Windows identity a decky shows in NTLM challenges and the directory. SMB, RDP and LDAP derive
 * it from the same seed stream, so every port of one decky names the same computer, domain and
 * build. Config: `domain` (DNS) or LDAP's `base_dn`, `workgroup` (NetBIOS domain; `WORKGROUP` means
 * a stand-alone machine, which answers with its own name), `server_name` (NetBIOS computer name).
 */
export function windowsIdentity(ctx: EmulatorContext): NtlmIdentity {
  const random = seededRandom(ctx.seed).fork('windows')
  const computer =
    netbiosName(configString(ctx.config, 'server_name') ?? ctx.hostname.split('.')[0] ?? '') || 'SERVER'
  const version = random.pick(WINDOWS_VERSIONS)
  const seededDomain = random.pick(DOMAINS)
  const workgroup = configString(ctx.config, 'workgroup')
  if (workgroup !== undefined && netbiosName(workgroup) === 'WORKGROUP') {
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
  const configuredDns = (
    configString(ctx.config, 'domain') ?? domainOfBaseDn(configString(ctx.config, 'base_dn'))
  )
    ?.toLowerCase()
    .replace(/[^a-z0-9.-]/g, '')
  const domain = netbiosName(workgroup ?? configuredDns?.split('.')[0] ?? seededDomain) || seededDomain
  const dnsDomain = configuredDns || `${domain.toLowerCase()}.local`
  return {
    standalone: false,
    netbiosDomain: domain,
    netbiosComputer: computer,
    dnsDomain,
    dnsComputer: `${computer.toLowerCase()}.${dnsDomain}`,
    version,
  }
}
