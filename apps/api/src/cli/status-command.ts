// `decnet status`: the fleet as a table, each decky with the address it really answers on (its LAN
// IP on Docker, its loopback address on the local engine), state, host and services.
import type { Command } from 'commander'
import type { DeckyOutput } from '../fleet/decky-output.ts'
import type { CommandIo } from './command-io.ts'
import { renderTable } from './table.ts'
import { clipped, terminalSafe } from './terminal-text.ts'

export function fleetTable(fleet: readonly DeckyOutput[]): string {
  return renderTable(
    [
      { header: 'NAME', cell: (d) => d.name },
      { header: 'ADDRESS', cell: (d) => d.address },
      { header: 'STATE', cell: (d) => d.state },
      { header: 'HOST', cell: (d) => terminalSafe(d.hostName) },
      { header: 'ARCHETYPE', cell: (d) => d.archetype ?? '-' },
      { header: 'SERVICES', cell: (d) => d.services.join(',') },
    ],
    fleet,
  )
}

export function registerStatusCommand(program: Command, io: CommandIo): void {
  program
    .command('status')
    .description('the fleet: every decky with the address it answers on, its state, host and services')
    .action(async () => {
      const fleet = await io.signedIn().fleet.list.query()
      const errors = fleet.filter((d) => d.lastError)
      io.print(fleet, () =>
        fleet.length === 0
          ? 'the fleet is empty'
          : [
              fleetTable(fleet),
              ...errors.map((d) => `${d.name}: ${clipped(terminalSafe(d.lastError ?? ''), 200)}`),
            ].join('\n'),
      )
    })
}
