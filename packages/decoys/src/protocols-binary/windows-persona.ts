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

/**
 * The Windows identity a decky shows in NTLM challenges. SMB and RDP derive it from the same seed
 * stream, so both ports of one decky name the same computer, domain and build.
 */
export function windowsIdentity(ctx: EmulatorContext): NtlmIdentity {
  const random = seededRandom(ctx.seed).fork('windows')
  const computer = netbiosName(ctx.hostname.split('.')[0] ?? '') || 'SERVER'
  // `domain` (DNS name) and `workgroup` (NetBIOS name) may each be configured; the other follows.
  const configuredDns = configString(ctx.config, 'domain')
    ?.toLowerCase()
    .replace(/[^a-z0-9.-]/g, '')
  const domain =
    netbiosName(
      configString(ctx.config, 'workgroup') ?? configuredDns?.split('.')[0] ?? random.pick(DOMAINS),
    ) || 'WORKGROUP'
  const dnsDomain = configuredDns || `${domain.toLowerCase()}.local`
  return {
    netbiosDomain: domain,
    netbiosComputer: computer,
    dnsDomain,
    dnsComputer: `${computer.toLowerCase()}.${dnsDomain}`,
    version: random.pick(WINDOWS_VERSIONS),
  }
}
