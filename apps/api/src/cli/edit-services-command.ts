// `decnet edit-services <name> --add … --remove … [--custom file.ini]`: adds or removes services on a
// running decky (fleet.editServices) and follows the operation; the other services keep running.
import { readFileSync } from 'node:fs'
import { type EditServicesRequest, serviceNameList } from '@decnet/core'
import type { Command } from 'commander'
import type { CommandIo } from './command-io.ts'
import { FlagError } from './fleet-flags.ts'
import { followStarted } from './progress.ts'

type EditServicesOptions = { add?: string; remove?: string; custom?: string }

/** The request the flags describe; `--custom` is read as the `[custom-<name>]` sections `--add` names. */
export function editServicesRequest(
  name: string,
  options: EditServicesOptions,
  readText: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): EditServicesRequest {
  const add = serviceNameList(options.add ?? '')
  const remove = serviceNameList(options.remove ?? '')
  if (add.length === 0 && remove.length === 0) throw new FlagError('name services to --add or --remove')
  return {
    name,
    add,
    remove,
    ...(options.custom !== undefined ? { customSections: readText(options.custom) } : {}),
  }
}

export function registerEditServicesCommand(program: Command, io: CommandIo): void {
  program
    .command('edit-services <name>')
    .description('add or remove services on a running decky (the others keep running) and follow it')
    .option('--add <list>', 'services to add: catalogue slugs or custom-<name> (comma-separated)')
    .option('--remove <list>', 'services to remove (comma-separated)')
    .option('--custom <file>', 'an INI file with the [custom-<name>] sections --add names')
    .action(async (name: string, options: EditServicesOptions) => {
      const client = io.signedIn()
      const result = await client.fleet.editServices.mutate(editServicesRequest(name, options))
      await followStarted(client, { message: result.message, ids: [result.lifecycleId] }, io.json())
    })
}
