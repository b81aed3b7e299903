// `decnet deploy`: deckies from a fleet INI (-c) or from flags (-n, --archetype, --distro …), sent
// through the same fleet.preview / fleet.deploy procedures; --dry-run prints the plan and deploys nothing,
// and --seed deploys exactly the plan a dry run with that seed printed (or refuses if the fleet moved).
import { readFileSync } from 'node:fs'
import { PLAN_SEED_PATTERN } from '@decnet/core'
import type { Command } from 'commander'
import type { z } from 'zod'
import type { ZPreviewOutput } from '../routers/fleet/preview.types.ts'
import type { ApiClient } from './client.ts'
import type { CommandIo } from './command-io.ts'
import { type DeployFlags, FlagError, fleetIniFromFlags, hasFleetFlags } from './fleet-flags.ts'
import { followLifecycle } from './progress.ts'
import { renderTable } from './table.ts'
import { terminalSafe } from './terminal-text.ts'

type DeployOptions = DeployFlags & {
  config?: string
  replaceFleet?: boolean
  dryRun?: boolean
  seed?: string
}
type Plan = z.infer<typeof ZPreviewOutput>

/** The INI to deploy: the file given with -c, or the one the flags describe (never both). */
export function deployIni(options: DeployOptions): string {
  const flags = hasFleetFlags(options)
  if (options.config !== undefined && flags) {
    throw new FlagError('give either -c <file> or deployment flags (-n, --archetype, --services …), not both')
  }
  if (options.config !== undefined) return readFileSync(options.config, 'utf8')
  if (!flags) {
    throw new FlagError(
      'nothing to deploy: give -c <fleet.ini>, or flags such as -n 3 --archetype linux-server (see decnet deploy --help)',
    )
  }
  return fleetIniFromFlags(options)
}

/** The --seed value, checked before anything is sent. */
export function planSeed(options: Pick<DeployOptions, 'seed'>): string | undefined {
  if (options.seed === undefined) return undefined
  if (!PLAN_SEED_PATTERN.test(options.seed)) {
    throw new FlagError(
      `--seed: '${terminalSafe(options.seed.slice(0, 80))}' is not a plan seed (32 lower-case hex digits, as a dry run prints)`,
    )
  }
  return options.seed
}

/** The plan as operators read it: one row per decky to create, then what is kept and removed. */
export function describePlan(plan: Plan, replaceFleet: boolean): string {
  const lines = [
    `plan: ${plan.create.length} to create, ${plan.keep.length} kept${replaceFleet ? `, ${plan.remove.length} to remove` : ''}`,
  ]
  if (plan.create.length > 0) {
    lines.push(
      renderTable(
        [
          { header: 'NAME', cell: (d) => d.name },
          { header: 'HOST', cell: (d) => terminalSafe(d.host) },
          { header: 'IP', cell: (d) => d.ip },
          { header: 'MAC', cell: (d) => d.mac },
          { header: 'HOSTNAME', cell: (d) => terminalSafe(d.hostname) },
          { header: 'OS', cell: (d) => d.osFamily },
          { header: 'DISTRO', cell: (d) => d.distro },
          { header: 'ARCHETYPE', cell: (d) => d.archetype ?? '-' },
          { header: 'SERVICES', cell: (d) => d.services.join(',') },
        ],
        plan.create,
      ),
    )
  }
  if (plan.keep.length > 0) lines.push(`kept as they are: ${plan.keep.join(', ')}`)
  if (plan.remove.length > 0) lines.push(`to remove: ${plan.remove.join(', ')}`)
  if (plan.create.length > 0)
    lines.push(`seed: ${plan.seed} (add --seed ${plan.seed} to deploy exactly this plan)`)
  return lines.join('\n')
}

async function deploy(
  client: ApiClient,
  io: CommandIo,
  ini: string,
  replaceFleet: boolean,
  seed: string | undefined,
): Promise<void> {
  const json = io.json()
  // With a seed, the plan is drawn again from it and sent as what the operator expects: the API
  // deploys exactly that plan, or refuses with a CONFLICT naming what changed since the dry run.
  const expected = seed ? await client.fleet.preview.query({ ini, replaceFleet, seed }) : undefined
  const result = await client.fleet.deploy.mutate({
    ini,
    replaceFleet,
    ...(seed && expected
      ? { seed, expected: { create: expected.create, keep: expected.keep, remove: expected.remove } }
      : {}),
  })
  if (!json) {
    const spread = result.mode === 'swarm' ? ' (placed over several hosts)' : ''
    process.stdout.write(`${result.message}${spread}\n`)
  }
  const ids = [...result.lifecycleIds, ...result.teardownIds]
  const rows = ids.length > 0 ? await followLifecycle(client, ids, { json }) : []
  const failed = rows.filter((row) => row.status === 'failed')
  if (!json) {
    process.stdout.write(
      failed.length ? `${failed.length} of ${rows.length} failed\n` : `all ${rows.length} done\n`,
    )
  }
  if (failed.length) process.exitCode = 1
}

export function registerDeployCommand(program: Command, io: CommandIo): void {
  program
    .command('deploy')
    .description(
      'deploy deckies from a fleet INI (-c) or from flags, and follow their progress; --dry-run shows the plan only',
    )
    .option('-c, --config <file>', 'fleet INI file')
    .option('-n, --count <n>', 'how many deckies (named <prefix>-01, <prefix>-02 …; one is named <prefix>)')
    .option('--archetype <slug>', 'what the deckies are (see decnet archetypes)')
    .option('--distro <slug>', 'their Linux distribution (see decnet distros)')
    .option('--services <list>', 'comma-separated services, e.g. ssh,http (default: the archetype`s)')
    .option('--name-prefix <prefix>', 'decky name, or prefix with -n (default: the archetype, else "decky")')
    .option('--host <name>', 'the host to place them on (see decnet hosts)')
    .option('--nmap-os <family>', 'the OS family their network stack imitates (linux, windows …)')
    .option('--mutate-interval <interval>', 'give them new services every interval, e.g. 6h')
    .option('--replace-fleet', 'make this the whole fleet: deckies absent from it are torn down')
    .option(
      '--dry-run',
      'print the plan (names, addresses, hosts, services) and its seed, and deploy nothing',
    )
    .option('--seed <seed>', 'draw the plan from this seed (printed by --dry-run): deploys exactly that plan')
    .addHelpText(
      'after',
      '\nExamples:\n  decnet deploy -c fleet.ini\n  decnet deploy -n 5 --archetype linux-server --distro debian --name-prefix web\n  decnet deploy -n 2 --services ssh,http --dry-run\n  decnet deploy -n 2 --services ssh,http --seed <seed from the dry run>',
    )
    .action(async (options: DeployOptions) => {
      const ini = deployIni(options)
      const seed = planSeed(options)
      const client = io.signedIn()
      const replaceFleet = Boolean(options.replaceFleet)
      if (options.dryRun) {
        const plan = await client.fleet.preview.query({ ini, replaceFleet, ...(seed ? { seed } : {}) })
        io.print(plan, () => `${describePlan(plan, replaceFleet)}\ndry run: nothing was deployed`)
        return
      }
      await deploy(client, io, ini, replaceFleet, seed)
    })
}
