// `decnet images`: the decoy image each host runs; `rollout`/`rollback` queue one and follow its
// progress (bytes pushed per host, then deckies upgraded) until it ends.
import { type ImageHostProgress, type ImageRollout, isTerminalStatus } from '@decnet/core'
import type { Command } from 'commander'
import type { ApiClient } from './client.ts'
import type { CommandIo } from './command-io.ts'
import { FlagError } from './fleet-flags.ts'
import { renderTable } from './table.ts'
import { terminalSafe } from './terminal-text.ts'

const POLL_MS = 1_000
const short = (digest: string | null) => (digest ? digest.slice(7, 19) : '-')
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

/** One line per host: its phase, the bytes pushed and the deckies upgraded. */
export function describeHostProgress(host: ImageHostProgress): string {
  const bytes = host.bytesSent > 0 ? ` ${mib(host.bytesSent)} of ~${mib(host.imageBytes)}` : ''
  const deckies = host.deckiesTotal > 0 ? ` ${host.deckiesDone}/${host.deckiesTotal} deckies` : ''
  const error = host.error ? `  ${terminalSafe(host.error)}` : ''
  return `${terminalSafe(host.hostId).padEnd(16)} ${host.phase.padEnd(9)}${bytes}${deckies}${error}`
}

function pacing(options: { batchSize: string; pause: string }) {
  const batchSize = Number(options.batchSize)
  const pauseSeconds = Number(options.pause)
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new FlagError('--batch-size takes a whole number ≥ 1')
  if (!Number.isInteger(pauseSeconds) || pauseSeconds < 0)
    throw new FlagError('--pause takes whole seconds ≥ 0')
  return { batchSize, pauseSeconds }
}

/** Polls the rollout, printing each host line that changed, until it succeeds or fails (exit code 1). */
async function follow(client: ApiClient, io: CommandIo, started: ImageRollout): Promise<void> {
  const seen = new Map<string, string>()
  let rollout = started
  for (;;) {
    for (const host of rollout.hosts) {
      const line = io.json() ? JSON.stringify(host) : describeHostProgress(host)
      if (seen.get(host.hostId) === line) continue
      seen.set(host.hostId, line)
      process.stdout.write(`${line}\n`)
    }
    if (isTerminalStatus(rollout.status)) break
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    rollout = await client.images.get.query({ id: rollout.id })
  }
  io.print(rollout, () =>
    rollout.status === 'succeeded'
      ? `${rollout.kind} ${rollout.id} succeeded: every host runs ${short(rollout.digest)}`
      : `${rollout.kind} ${rollout.id} failed: ${terminalSafe(rollout.error ?? '')}\nroll back with: decnet images rollback`,
  )
  if (rollout.status === 'failed') process.exitCode = 1
}

export function registerImagesCommand(program: Command, io: CommandIo): void {
  const images = program
    .command('images')
    .description('the decoy image each host runs, and its rollouts (admins)')
    .action(async () => {
      const status = await io.signedIn().images.status.query({})
      io.print(status, () =>
        [
          `${terminalSafe(status.image ?? 'decoy image')} on this machine: ${short(status.availableDigest)}`,
          renderTable(
            [
              { header: 'HOST', cell: (row) => terminalSafe(row.hostName) },
              { header: 'IMAGE', cell: (row) => short(row.digest) },
              { header: 'PREVIOUS', cell: (row) => short(row.previousDigest) },
            ],
            status.hosts,
          ),
          ...status.rollouts
            .slice(0, 5)
            .map(
              (rollout) =>
                `${rollout.id} ${rollout.kind.padEnd(8)} ${rollout.status.padEnd(9)} ${short(rollout.digest)}`,
            ),
        ].join('\n'),
      )
    })
  const withPacing = (command: Command) =>
    command
      .option('--batch-size <n>', 'deckies recreated at once', '1')
      .option('--pause <seconds>', 'pause between batches', '0')
  withPacing(
    images
      .command('rollout')
      .description('roll this machine`s decoy image out to every host, decky by decky'),
  ).action(async (options: { batchSize: string; pause: string }) => {
    const client = io.signedIn()
    await follow(client, io, await client.images.rollout.mutate(pacing(options)))
  })
  withPacing(images.command('rollback').description('go back to the image the last rollout replaced')).action(
    async (options: { batchSize: string; pause: string }) => {
      const client = io.signedIn()
      await follow(client, io, await client.images.rollback.mutate(pacing(options)))
    },
  )
  images
    .command('watch <id>')
    .description('follow a push, rollout or rollback until it ends')
    .action(async (id: string) => {
      const client = io.signedIn()
      await follow(client, io, await client.images.get.query({ id }))
    })
}
