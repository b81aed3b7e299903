// `decnet drops`: bait files in a decky's filesystem (admins). Adding or removing one updates the
// decky's shell and FTP decoys as a repair, which the command follows like `decnet mutate`.
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import type { ApiClient } from './client.ts'
import type { CommandIo } from './command-io.ts'
import { followLifecycle } from './progress.ts'
import { renderLines } from './table.ts'
import { terminalSafe } from './terminal-text.ts'

type AddOptions = { file: string; mode: string; owner: string }

async function followChange(
  io: CommandIo,
  client: ApiClient,
  result: { message: string; lifecycleId: string },
) {
  if (!io.json()) process.stdout.write(`${result.message}\n`)
  const [row] = await followLifecycle(client, [result.lifecycleId], { json: io.json() })
  if (row?.status === 'failed') process.exitCode = 1
}

export function registerDropsCommand(program: Command, io: CommandIo): void {
  const drops = program
    .command('drops')
    .description("bait files in a decky's filesystem (admins): list, add, remove")
  drops
    .command('list <decky>')
    .description("the decky's dropped files")
    .action(async (decky: string) => {
      const rows = await io.signedIn().fileDrops.list.query({ name: decky })
      io.print(rows, () =>
        renderLines(
          rows,
          (row) =>
            `${row.mode.padStart(4, '0')} ${row.owner.padEnd(10)} ${String(row.size).padStart(6)}  ${row.modifiedAt}  ${row.path}`,
          `no files dropped on ${terminalSafe(decky)}`,
        ),
      )
    })
  drops
    .command('add <decky> <path>')
    .description('place (or replace) a file; its content comes from --file (- for stdin)')
    .requiredOption('--file <file>', 'the content (UTF-8 text, at most 64 KiB)')
    .option('--mode <mode>', 'octal permission bits', '644')
    .option('--owner <user>', 'owning user', 'root')
    .action(async (decky: string, path: string, options: AddOptions) => {
      const content = readFileSync(options.file === '-' ? 0 : options.file, 'utf8')
      const client = io.signedIn()
      const result = await client.fileDrops.add.mutate({
        name: decky,
        path,
        content,
        mode: options.mode,
        owner: options.owner,
      })
      await followChange(io, client, result)
    })
  drops
    .command('remove <decky> <path>')
    .description('remove a dropped file')
    .action(async (decky: string, path: string) => {
      const client = io.signedIn()
      await followChange(io, client, await client.fileDrops.remove.mutate({ name: decky, path }))
    })
}
