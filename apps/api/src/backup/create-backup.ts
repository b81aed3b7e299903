// `decnet backup <file>`: one gzip'd tar holding a consistent online snapshot of the database, the
// data directory's files (session key, artifacts, …) and a manifest with their checksums. It runs
// beside a live API: SQLite is copied with VACUUM INTO, PostgreSQL with pg_dump on one snapshot.
import {
  chmodSync,
  cpSync,
  type Dirent,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseDatabaseUrl, snapshotDatabase } from '@decnet/db'
import { create as createTar } from 'tar'
import { DECNET_VERSION } from '../version.ts'
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  type BackupManifest,
  DATA_DIR_PREFIX,
  DATABASE_FILES,
  describeFile,
  MANIFEST_FILE,
} from './manifest.ts'

export type BackupSource = { dataDir: string; databaseUrl: string }

/** Every regular file under `dir`, as paths relative to it with `/` separators, sorted. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort()
}

/** The live SQLite files (replaced by the snapshot) and the archive being written are not copied. */
function excludedFromDataDir(source: BackupSource, outFile: string): Set<string> {
  const excluded = new Set([path.resolve(outFile)])
  const target = parseDatabaseUrl(source.databaseUrl)
  if (target.kind === 'sqlite') {
    for (const suffix of ['', '-wal', '-shm', '-journal'])
      excluded.add(path.resolve(`${target.file}${suffix}`))
  }
  return excluded
}

/** Writes the backup archive to `outFile` (0600: it holds secrets) and returns its manifest. */
export async function createBackup(
  source: BackupSource,
  outFile: string,
  now = new Date(),
): Promise<BackupManifest> {
  if (existsSync(outFile)) throw new Error(`${outFile} already exists: choose a new file name`)
  const staging = mkdtempSync(path.join(tmpdir(), 'decnet-backup-'))
  try {
    const dialect = parseDatabaseUrl(source.databaseUrl).kind
    const databaseFile = DATABASE_FILES[dialect]
    mkdirSync(path.join(staging, path.dirname(databaseFile)), { recursive: true })
    const snapshot = await snapshotDatabase(source.databaseUrl, path.join(staging, databaseFile))

    const excluded = excludedFromDataDir(source, outFile)
    const dataFiles = filesUnder(source.dataDir).filter(
      (relative) => !excluded.has(path.resolve(source.dataDir, relative)),
    )
    for (const relative of dataFiles) {
      cpSync(path.join(source.dataDir, relative), path.join(staging, DATA_DIR_PREFIX, relative))
    }
    const archived = [databaseFile, ...dataFiles.map((relative) => `${DATA_DIR_PREFIX}${relative}`)]
    const files = []
    for (const archivePath of archived)
      files.push(await describeFile(path.join(staging, archivePath), archivePath))

    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      decnetVersion: DECNET_VERSION,
      createdAt: now.toISOString(),
      database: {
        dialect,
        file: databaseFile,
        migrations: snapshot.migrations,
        rowCounts: snapshot.rowCounts,
      },
      files,
    }
    writeFileSync(path.join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`)
    mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true })
    // Written under a temporary name, then renamed: a crash never leaves a half archive under the name.
    const partial = `${outFile}.partial`
    writeFileSync(partial, '', { mode: 0o600 })
    await createTar({ gzip: true, file: partial, cwd: staging, portable: true }, [MANIFEST_FILE, ...archived])
    chmodSync(partial, 0o600)
    renameSync(partial, outFile)
    return manifest
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}
