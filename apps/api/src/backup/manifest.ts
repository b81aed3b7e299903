// The manifest at the head of a `decnet backup` archive: what DECNET and which schema made it, the
// database's row counts at the snapshot point, and every file's size and SHA-256.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { z } from 'zod'

export const BACKUP_FORMAT = 'decnet-backup'
export const BACKUP_FORMAT_VERSION = 1
export const MANIFEST_FILE = 'manifest.json'
/** Where the database snapshot sits in the archive, per dialect. */
export const DATABASE_FILES = {
  sqlite: 'database/decnet.sqlite',
  postgres: 'database/decnet.pgdump',
} as const
/** Where the data directory's files (secrets, artifacts, …) sit in the archive. */
export const DATA_DIR_PREFIX = 'data/'

const ZArchivePath = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    (path) => !path.startsWith('/') && !path.split('/').some((part) => part === '..' || part === ''),
    'archive paths are relative and never climb out',
  )

export const ZBackupFile = z.object({
  path: ZArchivePath,
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
})
export type BackupFile = z.infer<typeof ZBackupFile>

export const ZBackupManifest = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  decnetVersion: z.string(),
  createdAt: z.string(),
  database: z.object({
    dialect: z.enum(['sqlite', 'postgres']),
    file: ZArchivePath,
    /** The schema: migrations applied in the snapshot (a restore refuses names it does not know). */
    migrations: z.array(z.string()),
    rowCounts: z.record(z.string(), z.number().int().nonnegative()),
  }),
  files: z.array(ZBackupFile),
})
export type BackupManifest = z.infer<typeof ZBackupManifest>

/** Streams a file through SHA-256 (artifacts may be large). */
export async function describeFile(absolutePath: string, archivePath: string): Promise<BackupFile> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of createReadStream(absolutePath)) {
    hash.update(chunk as Buffer)
    size += (chunk as Buffer).length
  }
  return { path: archivePath, size, sha256: hash.digest('hex') }
}
