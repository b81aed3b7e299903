// `decnet attackers [ip]`: the attackers seen, most recent first, or one attacker's profile (counts,
// services, deckies, credentials tried, class and ATT&CK techniques when the intelligence has them).
// Everything an attacker chose (its reverse DNS, its commands) is escaped before it is printed.
import { TRPCClientError } from '@trpc/client'
import type { Command } from 'commander'
import type { z } from 'zod'
import type { ZGetAttackerOutput } from '../routers/attackers/get.types.ts'
import type { ZAttackerIntelOutput } from '../routers/attackers/intel.types.ts'
import type { ZListAttackersOutput } from '../routers/attackers/list.types.ts'
import type { ApiClient } from './client.ts'
import type { CommandIo } from './command-io.ts'
import { renderTable } from './table.ts'
import { clipped, terminalSafe } from './terminal-text.ts'

type AttackerRow = z.infer<typeof ZListAttackersOutput>['rows'][number]
type AttackerDetail = z.infer<typeof ZGetAttackerOutput>
type AttackerIntel = z.infer<typeof ZAttackerIntelOutput>

const list = (items: readonly string[]) => (items.length ? items.map(terminalSafe).join(',') : '-')

function where(row: Pick<AttackerRow, 'enrichment'>): string {
  const e = row.enrichment
  if (!e) return '-'
  if (e.label) return e.label
  return [e.country, e.asn !== null ? `AS${e.asn}` : null].filter(Boolean).join(' ') || '-'
}

export function attackersTable(rows: readonly AttackerRow[]): string {
  return renderTable(
    [
      { header: 'IP', cell: (a) => terminalSafe(a.ip) },
      { header: 'LAST SEEN', cell: (a) => a.lastSeen },
      { header: 'FIRST SEEN', cell: (a) => a.firstSeen },
      { header: 'EVENTS', cell: (a) => String(a.eventCount), alignRight: true },
      { header: 'CREDS', cell: (a) => String(a.credentialCount), alignRight: true },
      { header: 'WHERE', cell: (a) => terminalSafe(where(a)) },
      { header: 'SERVICES', cell: (a) => clipped(list(a.services), 40) },
      { header: 'DECKIES', cell: (a) => clipped(list(a.deckies), 60) },
    ],
    rows,
  )
}

export function attackerProfile(detail: AttackerDetail, intel: AttackerIntel | null): string {
  const e = detail.enrichment
  const lines = [
    `attacker ${terminalSafe(detail.ip)}`,
    `  first seen   ${detail.firstSeen}`,
    `  last seen    ${detail.lastSeen}`,
    `  events       ${detail.eventCount}`,
    `  services     ${list(detail.services)}`,
    `  deckies      ${list(detail.deckies)}`,
    `  credentials  ${detail.credentialTotal} tried`,
  ]
  if (e) {
    const place = [e.label, e.city, e.country, e.asn !== null ? `AS${e.asn}` : null, e.org].filter(Boolean)
    if (place.length) lines.push(`  origin       ${terminalSafe(place.join(', '))}`)
    if (e.rdns) lines.push(`  rdns         ${terminalSafe(e.rdns)}`)
  }
  if (intel) {
    lines.push(`  class        ${intel.classification.class}`)
    for (const evidence of intel.classification.evidence.slice(0, 5)) {
      lines.push(`    because    ${clipped(terminalSafe(evidence), 100)}`)
    }
    if (intel.techniques.length) {
      lines.push(
        `  techniques   ${intel.techniques.map((t) => terminalSafe(`${t.technique}${t.name ? ` ${t.name}` : ''}`)).join(', ')}`,
      )
    }
    if (intel.tools.length) lines.push(`  tools        ${list(intel.tools.map((t) => t.tool))}`)
  }
  for (const command of detail.commands.slice(-5))
    lines.push(`  command      ${clipped(terminalSafe(command), 100)}`)
  return lines.join('\n')
}

/** The attacker with exactly this address (attackers.list filters by prefix). */
async function attackerByIp(client: ApiClient, ip: string): Promise<AttackerRow> {
  const found = await client.attackers.list.query({ q: ip, limit: 1000 })
  const attacker = found.rows.find((row) => row.ip === ip)
  if (!attacker) throw new Error(`no attacker with address ${terminalSafe(ip)}`)
  return attacker
}

export function registerAttackersCommand(program: Command, io: CommandIo): void {
  program
    .command('attackers [ip]')
    .description('attackers, most recently seen first; with an address, that attacker`s profile')
    .option('-n, --limit <n>', 'rows', '50')
    .option('--service <slug>', 'only attackers who touched this service')
    .option('-q, --query <prefix>', 'only addresses starting with this, e.g. 10.0.')
    .action(async (ip: string | undefined, options: { limit: string; service?: string; query?: string }) => {
      const client = io.signedIn()
      if (ip) {
        const { id } = await attackerByIp(client, ip)
        const [detail, intel] = await Promise.all([
          client.attackers.get.query({ id }),
          // No intelligence yet (a brand-new attacker) is not an error of this command.
          client.attackers.intel.query({ id }).catch((error: unknown) => {
            if (error instanceof TRPCClientError && error.data?.code === 'NOT_FOUND') return null
            throw error
          }),
        ])
        io.print({ ...detail, intel }, () => attackerProfile(detail, intel))
        return
      }
      if (!/^\d{1,4}$/.test(options.limit))
        throw new Error(`--limit: expected a number of rows, got "${options.limit}"`)
      const result = await client.attackers.list.query({
        sort: 'recent',
        limit: Number(options.limit),
        ...(options.service ? { service: options.service } : {}),
        ...(options.query ? { q: options.query } : {}),
      })
      io.print(result, () =>
        result.rows.length === 0
          ? 'no attackers yet'
          : `${attackersTable(result.rows)}\n${result.total} attacker${result.total === 1 ? '' : 's'}`,
      )
    })
}
