// `decnet tokens`: API tokens for integrations (admins). A new token is printed once, on its own line.
import { type Role, ZRole } from '@decnet/core'
import { Command, Option } from 'commander'
import type { CommandIo } from './command-io.ts'
import { renderLines } from './table.ts'
import { terminalSafe } from './terminal-text.ts'

export function registerTokensCommand(program: Command, io: CommandIo): void {
  const tokens = program
    .command('tokens')
    .description('API tokens for integrations (admins): list, create, revoke')
    .action(async () => {
      const rows = await io.signedIn().apiTokens.list.query()
      io.print(rows, () =>
        renderLines(
          rows,
          (row) =>
            `${row.id}  ${terminalSafe(row.name).padEnd(20)} ${row.role.padEnd(7)} ${row.prefix}…  ` +
            `${row.revokedAt ? `revoked ${row.revokedAt}` : `last used ${row.lastUsedAt ?? 'never'}`}`,
          'no API tokens',
        ),
      )
    })
  tokens.addCommand(
    new Command('create')
      .argument('<name>', 'what the integration is (1-64 of A-Z a-z 0-9 _ . -)')
      .description('create a token and print it once (keep it: only its hash is stored)')
      .addOption(new Option('--role <role>', 'what it may do').choices(ZRole.options).default('viewer'))
      .action(async (name: string, options: { role: Role }) => {
        const created = await io.signedIn().apiTokens.create.mutate({ name, role: options.role })
        io.print(
          created,
          () => `${created.token}\n(${created.apiToken.role} token "${name}"; shown only this once)`,
        )
      }),
  )
  tokens.addCommand(
    new Command('revoke')
      .argument('<id>', 'the token id (decnet tokens)')
      .description('revoke a token: its next request is refused')
      .action(async (id: string) => {
        const revoked = await io.signedIn().apiTokens.revoke.mutate({ id })
        io.print(revoked, () => `token "${terminalSafe(revoked.name)}" revoked at ${revoked.revokedAt}`)
      }),
  )
}
