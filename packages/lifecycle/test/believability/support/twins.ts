// What two real machines of one kind never share: the fields a real product randomises (keys, GUIDs,
// serials, boot times, machine ids …). Version banners are NOT here: twins of one distro legitimately
// announce the same package versions.
import type { Persona } from '@decnet/core'
import type { Fact } from './facts.ts'

export type RandomisedField = {
  /** Service slug the field belongs to (`*`: any). */
  service: string
  field: RegExp
  /** Only for these persona products (e.g. the page dates only where the distro's postinst copies them). */
  products?: readonly string[]
  /** Must be read on a decky running the service (a missing read is then a failure, not a pass). */
  required: boolean
  why: string
}

export const RANDOMISED_FIELDS: readonly RandomisedField[] = [
  { service: 'ssh', field: /ssh-hostkey$/, required: true, why: 'sshd generates its host keys at install' },
  {
    service: 'ssh',
    field: /^shell machine-id$/,
    required: true,
    why: 'systemd draws /etc/machine-id at install',
  },
  { service: 'ssh', field: /^shell bash_history$/, required: true, why: "an admin's history is their own" },
  { service: 'ssh', field: /^shell uptime$/, required: true, why: 'machines boot at different times' },
  { service: 'ssh', field: /^shell loadavg$/, required: true, why: 'load follows the machine’s own work' },
  {
    service: 'ssh',
    field: /^shell cpu MHz$/,
    required: true,
    why: 'CPU clocks wander per core and per read',
  },
  {
    service: 'ssh',
    field: /^shell host keys$/,
    required: true,
    why: 'sshd generates its host keys at install',
  },
  {
    service: 'ssh',
    field: /^shell ls \/etc$/,
    required: true,
    why: 'file dates follow each install and its edits',
  },
  // Only where a TLS port answered (a failed handshake is reported by the consistency check).
  {
    service: '*',
    field: /cert (serial|public key|fingerprint)$/,
    required: false,
    why: 'each host has its own key pair and certificate serial',
  },
  {
    service: '*',
    field: /cert not before$/,
    required: false,
    why: 'each certificate is issued at its own time',
  },
  {
    service: 'smb',
    field: /^negotiate ServerGuid$/,
    required: true,
    why: 'Windows and Samba draw the server GUID at install',
  },
  {
    service: 'smb',
    field: /^ntlm challenge$/,
    required: true,
    why: 'the NTLM server challenge is random per connection',
  },
  {
    service: 'smb',
    field: /^ntlm (NbComputerName|DnsComputerName)$/,
    required: true,
    why: 'computer names are unique in a domain',
  },
  {
    service: 'rdp',
    field: /rdp-ntlm-info (NetBIOS_Computer_Name|DNS_Computer_Name)$/,
    required: true,
    why: 'computer names are unique in a domain',
  },
  {
    service: 'ldap',
    field: /ldap-rootdse (dsServiceName|serverName|dnsHostName|highestCommittedUSN)$/,
    products: ['active-directory'],
    required: true,
    why: 'each DC has its own NTDS Settings object, name and update sequence',
  },
  {
    service: 'snmp',
    field: /snmp-info engineIDData$/,
    required: true,
    why: 'an SNMP engine draws its ID at first start',
  },
  {
    service: 'snmp',
    field: /snmp-sysdescr sysUpTime$/,
    required: true,
    why: 'agents start at boot; boots differ',
  },
  {
    service: 'mysql',
    field: /mysql-info Salt$/,
    required: true,
    why: 'the auth scramble is random per connection',
  },
  { service: 'redis', field: /redis-info Process ID$/, required: true, why: 'PIDs differ between machines' },
  {
    service: 'http',
    field: /http-headers (ETag|Last-Modified)$/,
    products: ['apache', 'nginx'],
    required: true,
    why: "Debian/Ubuntu's postinst copies the default page at install, so its date and ETag are the install's",
  },
  {
    service: 'k8s',
    field: /http-headers Audit-Id$/,
    required: true,
    why: 'kube-apiserver draws an Audit-Id per request (one Audit-Id for every request was a tell)',
  },
  {
    service: 'k8s',
    field: /http-headers X-Kubernetes-Pf-Flowschema-Uid$/,
    required: false,
    why: 'flow-schema objects get their UID when each cluster is created',
  },
  { service: 'nbns', field: /nbstat mac$/, required: false, why: 'MAC addresses are unique' },
  { service: 'host', field: /^mac$/, required: true, why: 'MAC addresses are unique' },
]

/** Claims two machines never share: their names and their boot times. */
const DISTINCT_CLAIMS = new Set(['hostname', 'boot'])

const key = (f: Fact) => `${f.service} · ${f.field}`

/** Every randomised value twins share or that could not be read, as readable lines. */
export function twinProblems(
  a: { name: string; persona: Persona; facts: Fact[] },
  b: { name: string; persona: Persona; facts: Fact[] },
): string[] {
  const problems: string[] = []
  const bByKey = new Map(b.facts.map((f) => [key(f), f.value]))
  const aServices = new Set(a.facts.map((f) => f.service))
  for (const rule of RANDOMISED_FIELDS) {
    const applies = (service: string) =>
      (rule.service === '*' || rule.service === service) &&
      (!rule.products || rule.products.includes(a.persona.services[service]?.product ?? ''))
    const matching = a.facts.filter((f) => applies(f.service) && rule.field.test(f.field))
    const servicePresent = rule.service === '*' || aServices.has(rule.service)
    if (matching.length === 0) {
      const product = a.persona.services[rule.service]?.product
      if (rule.required && servicePresent && (!rule.products || rule.products.includes(product ?? '')))
        problems.push(`${rule.service} ${rule.field}: not read on ${a.name} (${rule.why})`)
      continue
    }
    for (const fact of matching) {
      const other = bByKey.get(key(fact))
      if (other === undefined) problems.push(`${key(fact)}: read on ${a.name}, not on ${b.name}`)
      else if (other === fact.value)
        problems.push(`${key(fact)}: identical on both twins (${rule.why}): ${clip(fact.value)}`)
    }
  }
  for (const fact of a.facts) {
    if (!fact.claim || !DISTINCT_CLAIMS.has(fact.claim)) continue
    if (fact.value === 'none' || fact.value === 'N/A') continue
    const other = bByKey.get(key(fact))
    if (other !== undefined && other === fact.value)
      problems.push(`${key(fact)}: both twins claim the same ${fact.claim}: ${clip(fact.value)}`)
  }
  return [...new Set(problems)]
}

const clip = (value: string) => (value.length > 120 ? `${value.slice(0, 117)}…` : value).replace(/\n/g, '⏎')
