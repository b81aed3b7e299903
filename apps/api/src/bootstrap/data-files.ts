import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import path from 'node:path'
import { parseDatabaseUrl } from '@decnet/db'

/** Owner-only modes: the data holds password hashes, the session key and attackers' captures. */
export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** The data directory, created or tightened to 0700 (`npm start` may have made it 0755 already). */
export function securePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  chmodSync(dir, PRIVATE_DIR_MODE)
}

/** Tightens an existing file to 0600 (one created earlier under a looser umask keeps its mode otherwise). */
export function securePrivateFile(file: string): void {
  if (existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE)
}

/**
 * The SQLite database and its companions at 0600. A missing database file is created empty at 0600
 * first (SQLite takes an empty file as a new database), because SQLite creates -wal, -shm and
 * -journal with the mode of the database file: they are then private from their first byte.
 * PostgreSQL keeps its files itself.
 */
export function secureDatabaseFiles(databaseUrl: string): void {
  const target = parseDatabaseUrl(databaseUrl)
  if (target.kind !== 'sqlite' || target.file === ':memory:') return
  mkdirSync(path.dirname(target.file), { recursive: true, mode: PRIVATE_DIR_MODE })
  closeSync(openSync(target.file, 'a', PRIVATE_FILE_MODE))
  for (const suffix of ['', '-wal', '-shm', '-journal']) securePrivateFile(`${target.file}${suffix}`)
}
