import type { Persona } from '@decnet/core/schemas'

/** Fully qualified host name as an MTA or FTP server names itself (`mail01.corp.example`). */
export function fqdnOf(persona: Persona): string {
  const host = persona.hostname
  const domain = persona.domain?.dns
  return domain && !host.includes('.') ? `${host}.${domain}` : host
}
