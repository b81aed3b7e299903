// Commands run on the DECNET machine itself, beside (or instead of) the API: they read the data
// directory and DATABASE_URL from the same environment the API uses, not through the API.
import path from 'node:path'
import { appliedMigrations, latestMigration, migrate } from '@decnet/db'
import type { Command } from 'commander'
import { createBackup } from '../backup/create-backup.ts'
import { restoreBackup } from '../backup/restore-backup.ts'
import { loadConfig } from '../config.ts'
import { DECNET_VERSION } from '../version.ts'
import type { CommandIo } from './command-io.ts'

type Io = Pick<CommandIo, 'print'>

function localInstallation(): { dataDir: string; databaseUrl: string } {
  const { dataDir, databaseUrl } = loadConfig()
  return { dataDir, databaseUrl }
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0)

export function registerMaintenanceCommands(program: Command, io: Io): void {
  program
    .command('backup <file>')
    .description('consistent online backup (database snapshot + data directory) into one .tar.gz (0600)')
    .action(async (file: string) => {
      const manifest = await createBackup(localInstallation(), file)
      io.print(
        { file: path.resolve(file), manifest },
        () =>
          `backup written to ${path.resolve(file)}: ${manifest.database.dialect} schema ${manifest.database.migrations.at(-1)}, ` +
          `${total(manifest.database.rowCounts)} rows in ${Object.keys(manifest.database.rowCounts).length} tables, ` +
          `${manifest.files.length} files checksummed. DECNET_SECRET_KEY is not in it: keep it with the backup.`,
      )
    })

  program
    .command('restore <file>')
    .description('restore a backup into a fresh data directory / empty database (stop the API first)')
    .action(async (file: string) => {
      const report = await restoreBackup(file, localInstallation())
      io.print(
        report,
        () =>
          `restored the backup of ${report.manifest.createdAt} (DECNET ${report.manifest.decnetVersion}): ` +
          `${report.verifiedFiles} files verified, ${total(report.rowCounts)} rows match the manifest` +
          (report.migrated.length ? `; migrated forward: ${report.migrated.join(', ')}` : '') +
          '.\nStart the API: its reconciler re-creates the deckies of the fleet on their engines.',
      )
    })

  program
    .command('upgrade')
    .description('back up, then migrate the database to this version (stop the API first, start it after)')
    .option('--backup <file>', 'where the pre-upgrade backup goes', `decnet-pre-upgrade-${Date.now()}.tar.gz`)
    .action(async (options: { backup: string }) => {
      const installation = localInstallation()
      const before = await appliedMigrations(installation.databaseUrl)
      const manifest = await createBackup(installation, options.backup)
      const applied = await migrate(installation.databaseUrl)
      const report = {
        version: DECNET_VERSION,
        backup: path.resolve(options.backup),
        schemaBefore: before.at(-1) ?? null,
        schemaAfter: latestMigration(),
        applied,
        rowsBackedUp: total(manifest.database.rowCounts),
      }
      io.print(
        report,
        () =>
          `DECNET ${report.version}: backup ${report.backup}; schema ${report.schemaBefore ?? '(empty)'} → ${report.schemaAfter}` +
          (applied.length ? ` (applied ${applied.join(', ')})` : ' (already current)') +
          '.\nStart the API: deckies are re-created from the current decoy image by repair or `decnet mutate`.',
      )
    })
}
