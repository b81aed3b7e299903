// `decnet restore <file>`: checks the archive against its manifest (every checksum, no file it does not
// list), refuses a schema newer than this DECNET, loads the database into an empty target, checks its
// row counts against the manifest, puts the data directory's files back, then migrates forward. The
// fleet comes back when the API starts: its reconciler finds the Decky table's deckies missing on the
// engine and repairs (re-creates) them.
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { assertSchemaNotNewer, countRows, migrate, restoreDatabase, type TableCounts } from '@decnet/db'
import { extract as extractTar } from 'tar'
import { filesUnder } from './create-backup.ts'
import {
  type BackupManifest,
  DATA_DIR_PREFIX,
  describeFile,
  MANIFEST_FILE,
  ZBackupManifest,
} from './manifest.ts'

export type RestoreTarget = { dataDir: string; databaseUrl: string }

export type RestoreReport = {
  manifest: BackupManifest
  /** Files whose checksum was verified (the database snapshot included). */
  verifiedFiles: number
  /** Rows per table as restored (equal to the manifest's, or the restore failed). */
  rowCounts: TableCounts
  /** Migrations applied after the restore to bring an older backup forward. */
  migrated: string[]
}

export class BackupVerificationError extends Error {
  override readonly name = 'BackupVerificationError'
}

function readManifest(dir: string): BackupManifest {
  const file = path.join(dir, MANIFEST_FILE)
  if (!existsSync(file))
    throw new BackupVerificationError('not a DECNET backup: the archive has no manifest.json')
  const parsed = ZBackupManifest.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success) {
    throw new BackupVerificationError(
      `the backup's manifest is not valid: ${parsed.error.issues[0]?.message}`,
    )
  }
  return parsed.data
}

/** Every listed file is there with its size and SHA-256, and nothing unlisted came with them. */
async function verifyFiles(dir: string, manifest: BackupManifest): Promise<void> {
  const listed = new Set(manifest.files.map((file) => file.path))
  if (!listed.has(manifest.database.file)) {
    throw new BackupVerificationError('the manifest does not list the database snapshot')
  }
  const unlisted = filesUnder(dir).filter((file) => file !== MANIFEST_FILE && !listed.has(file))
  if (unlisted.length > 0)
    throw new BackupVerificationError(`files not in the manifest: ${unlisted.join(', ')}`)
  for (const expected of manifest.files) {
    const absolute = path.join(dir, expected.path)
    if (!existsSync(absolute)) throw new BackupVerificationError(`missing from the archive: ${expected.path}`)
    const actual = await describeFile(absolute, expected.path)
    if (actual.size !== expected.size || actual.sha256 !== expected.sha256) {
      throw new BackupVerificationError(
        `checksum mismatch: ${expected.path} is not the file the backup recorded`,
      )
    }
  }
}

function sameCounts(expected: TableCounts, actual: TableCounts): string[] {
  const tables = new Set([...Object.keys(expected), ...Object.keys(actual)])
  return [...tables]
    .sort()
    .filter((table) => expected[table] !== actual[table])
    .map((table) => `${table}: backup ${expected[table] ?? 'none'}, restored ${actual[table] ?? 'none'}`)
}

export async function restoreBackup(archive: string, target: RestoreTarget): Promise<RestoreReport> {
  if (!existsSync(archive)) throw new Error(`${archive} does not exist`)
  const unpacked = mkdtempSync(path.join(tmpdir(), 'decnet-restore-'))
  try {
    // node-tar strips absolute paths and refuses `..` entries; links are not followed out of `cwd`.
    await extractTar({ file: archive, cwd: unpacked, strict: true, preservePaths: false })
    const manifest = readManifest(unpacked)
    assertSchemaNotNewer(manifest.database.dialect, manifest.database.migrations)
    await verifyFiles(unpacked, manifest)

    const present = filesUnder(target.dataDir)
    if (present.length > 0) {
      throw new Error(
        `the data directory ${target.dataDir} is not empty (${present.slice(0, 3).join(', ')}…): restore into a fresh one`,
      )
    }
    mkdirSync(target.dataDir, { recursive: true, mode: 0o700 })
    chmodSync(target.dataDir, 0o700)
    await restoreDatabase(
      target.databaseUrl,
      path.join(unpacked, manifest.database.file),
      manifest.database.dialect,
    )
    const rowCounts = await countRows(target.databaseUrl)
    const differences = sameCounts(manifest.database.rowCounts, rowCounts)
    if (differences.length > 0) {
      throw new BackupVerificationError(
        `the restored database differs from the backup: ${differences.join('; ')}`,
      )
    }
    for (const file of manifest.files.filter((entry) => entry.path.startsWith(DATA_DIR_PREFIX))) {
      const destination = path.join(target.dataDir, file.path.slice(DATA_DIR_PREFIX.length))
      mkdirSync(path.dirname(destination), { recursive: true, mode: 0o700 })
      cpSync(path.join(unpacked, file.path), destination)
      chmodSync(destination, 0o600)
    }
    const migrated = await migrate(target.databaseUrl)
    return { manifest, verifiedFiles: manifest.files.length, rowCounts, migrated }
  } finally {
    rmSync(unpacked, { recursive: true, force: true })
  }
}
