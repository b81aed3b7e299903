// `decnet mutate <name>`: shows what the decky runs and what the draw gives it, asks before it acts
// (or takes --yes), then commits exactly that draw: the API refuses if the decky changed meanwhile.
import { createInterface } from 'node:readline'
import type { MutatePreviewResponse, ServiceSlug } from '@decnet/core'
import type { Command } from 'commander'
import type { CommandIo } from './command-io.ts'
import { FlagError } from './fleet-flags.ts'
import { followStarted } from './progress.ts'

type MutateOptions = { yes?: boolean; dryRun?: boolean; services?: string }

/** `lnx-01 (linux-server): ssh, http → ftp, http`, as the confirmation and the dry run print it. */
export function describeMutation(preview: MutatePreviewResponse, proposed: readonly ServiceSlug[]): string {
  const archetype = preview.archetype ? ` (${preview.archetype})` : ''
  return `${preview.name}${archetype}: ${preview.current.join(', ') || '(none)'} → ${proposed.join(', ')}`
}

/** The services --services names (in the order given), each from the decky's pool; undefined keeps the draw. */
export function pickedServices(
  preview: MutatePreviewResponse,
  list: string | undefined,
): ServiceSlug[] | undefined {
  if (list === undefined) return undefined
  const named = [
    ...new Set(
      list
        .split(',')
        .map((slug) => slug.trim())
        .filter(Boolean),
    ),
  ]
  const picked = named.flatMap((slug) => preview.pool.filter((inPool) => inPool === slug))
  const unknown = named.filter((slug) => !picked.some((inPool) => inPool === slug))
  if (named.length === 0 || unknown.length > 0) {
    throw new FlagError(
      `--services: ${named.length === 0 ? 'name at least one service' : `not in ${preview.name}'s pool: ${unknown.join(', ')}`}; available: ${preview.pool.join(', ')}`,
    )
  }
  if (picked.length > preview.maxServices) {
    throw new FlagError(`--services: at most ${preview.maxServices} for ${preview.name}`)
  }
  return picked
}

async function confirmed(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve))
  rl.close()
  return /^y(es)?$/i.test(answer.trim())
}

export function registerMutateCommand(program: Command, io: CommandIo): void {
  program
    .command('mutate <name>')
    .description('give a decky new services now: shows the change, asks, then follows it')
    .option('--services <list>', "these services instead of a random draw (from the decky's pool)")
    .option('-y, --yes', 'do not ask (needed when stdin is not a terminal)')
    .option('--dry-run', 'show the change and do nothing')
    .action(async (name: string, options: MutateOptions) => {
      const client = io.signedIn()
      const preview = await client.fleet.mutatePreview.query({ name })
      const services = pickedServices(preview, options.services) ?? preview.proposed
      const change = describeMutation(preview, services)
      if (options.dryRun) {
        io.print({ ...preview, proposed: services }, () => `${change}\ndry run: nothing was changed`)
        return
      }
      if (!options.yes) {
        if (!process.stdin.isTTY) {
          throw new FlagError(`${change}\nnot mutated: confirm with --yes (stdin is not a terminal)`)
        }
        if (!(await confirmed(`${change}\nMutate ${name}? [y/N] `))) {
          process.stderr.write('not mutated\n')
          process.exitCode = 1
          return
        }
      }
      const result = await client.fleet.mutate.mutate({ name, services, expectedServices: preview.current })
      await followStarted(client, { message: result.message, ids: result.lifecycleIds }, io.json())
    })
}
