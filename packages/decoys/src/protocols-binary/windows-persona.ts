import { createHmac } from 'node:crypto'
import type { Persona, WindowsBuild } from '@decnet/core/schemas'
import type { EmulatorContext, ServiceConfigValue } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import type { NtlmIdentity } from './ntlmssp.ts'

/**
 * Reads what the Windows protocols (SMB, NTLM, RDP, LDAP, MSSQL, MS-RPC, NetBIOS) announce from the
 * decky's persona, so every port of one decky names the same computer, domain and build. Operator
 * config (`workgroup`, `server_name`, `domain`, LDAP `base_dn`) still overrides the persona.
 */

/** The persona of an emulator context. */
export function personaOf(ctx: EmulatorContext): Persona {
  return ctx.persona
}

/**
 * Bytes keyed by the persona seed under `label` (HMAC-SHA256, as core's `personaBytes`): values real
 * Windows randomises per machine (ServerGuid, certificate serial) differ between deckies.
 */
export function personaKeyed(persona: Persona, label: string, bytes = 16): Buffer {
  const out: Buffer[] = []
  for (let block = 0; out.length * 32 < bytes; block++) {
    const key = Buffer.from(persona.seed, 'hex')
    out.push(
      createHmac('sha256', key)
        .update(bytes <= 32 ? label : `${label}\u0000${block}`)
        .digest(),
    )
  }
  return Buffer.concat(out).subarray(0, bytes)
}

/** True when the persona's `slug` service is Samba (a Linux or BSD persona), not Windows. */
export function isSamba(persona: Persona, slug: string): boolean {
  return persona.services[slug]?.product === 'samba' || (!persona.os.windows && slug !== 'ldap')
}

/** The persona's Windows build; a Samba persona has none (callers branch on `isSamba` first). */
export function windowsBuild(persona: Persona): WindowsBuild | undefined {
  return persona.os.windows ?? undefined
}

/**
 * A domain controller: an Active Directory persona whose host carries a DC name (the persona has no
 * role field; only the domain-controller archetype names hosts `DC01`…).
 */
export function isDomainController(persona: Persona): boolean {
  return persona.services.ldap?.product === 'active-directory' && /^DC\d/i.test(persona.hostname)
}

/** Samba's version from the persona's `smb` (or `nbns`) product: `4.17.12`. */
export function sambaVersion(persona: Persona): string {
  return persona.services.smb?.version ?? persona.services.nbns?.version ?? '4.17.12'
}

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

/** Every Windows release since XP SP2 (and Samba) announces NTLMSSP_REVISION_W2K3. */
const NTLM_REVISION_W2K3 = 15

/**
 * The identity NTLM challenges carry (SMB, RDP/CredSSP, MSSQL, LDAP): computer and domain names
 * from the persona, the VERSION structure from its Windows build (Samba announces 6.1 build 0, as
 * its `ntlmssp_version_blob` does). A machine that is not joined answers with its own name as the
 * domain (TARGET_TYPE_SERVER) and has no DNS tree.
 */
export function ntlmIdentity(
  persona: Persona,
  config: Record<string, ServiceConfigValue> = {},
): NtlmIdentity {
  const samba = isSamba(persona, 'smb')
  const computer = netbiosName(configString(config, 'server_name') ?? persona.hostname.split('.')[0] ?? '')
  const build = windowsBuild(persona)
  const version =
    samba || !build
      ? { major: 6, minor: 1, build: 0, revision: NTLM_REVISION_W2K3 }
      : { major: build.major, minor: build.minor, build: build.build, revision: NTLM_REVISION_W2K3 }
  const workgroup = configString(config, 'workgroup')
  const configuredDns = (configString(config, 'domain') ?? domainOfBaseDn(configString(config, 'base_dn')))
    ?.toLowerCase()
    .replace(/[^a-z0-9.-]/g, '')
  const joined =
    workgroup !== undefined
      ? netbiosName(workgroup) !== 'WORKGROUP'
      : configuredDns !== undefined || (persona.domain?.joined ?? false)
  // Windows keeps the host name's case in its DNS name (`DESKTOP-4F2K9QZ`, `DC01.corp.local`).
  const hostCase = configString(config, 'server_name') ?? persona.hostname.split('.')[0] ?? computer
  if (!joined) {
    // Samba's standalone server also answers with its own name, and the host's DNS domain.
    const dnsDomain = samba ? (persona.domain?.dns ?? '') : hostCase
    return {
      product: samba ? 'samba' : 'windows',
      standalone: true,
      netbiosDomain: computer,
      netbiosComputer: computer,
      dnsDomain,
      dnsComputer: samba ? [hostCase.toLowerCase(), dnsDomain].filter(Boolean).join('.') : hostCase,
      version,
    }
  }
  // A workgroup/domain named in config that is not the persona's gets its own `<name>.local` tree.
  const configuredNetbios = workgroup === undefined ? undefined : netbiosName(workgroup)
  const otherDomain = configuredNetbios !== undefined && configuredNetbios !== persona.domain?.netbios
  const dnsDomain =
    configuredDns ||
    (otherDomain ? `${configuredNetbios.toLowerCase()}.local` : persona.domain?.dns) ||
    'localdomain'
  const netbiosDomain =
    netbiosName(
      workgroup ?? (configuredDns ? (configuredDns.split('.')[0] ?? '') : (persona.domain?.netbios ?? '')),
    ) || 'WORKGROUP'
  return {
    product: samba ? 'samba' : 'windows',
    standalone: false,
    netbiosDomain,
    netbiosComputer: computer,
    dnsDomain,
    dnsComputer: `${samba ? hostCase.toLowerCase() : hostCase}.${dnsDomain}`,
    version,
  }
}

/** Back-compatible name: the NTLM identity of an emulator context's persona and config. */
export function windowsIdentity(ctx: EmulatorContext): NtlmIdentity {
  return ntlmIdentity(personaOf(ctx), ctx.config)
}
