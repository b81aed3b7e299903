import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { securePrivateFile } from './data-files.ts'

/** DECNET_SESSION_SECRET, else a random key kept (mode 0600) in the data dir so sessions survive restarts. */
export function loadSessionSecret(dataDir: string, fromEnv: string | undefined): Uint8Array {
  if (fromEnv) {
    if (fromEnv.length < 32) throw new Error('DECNET_SESSION_SECRET must be at least 32 characters')
    return new TextEncoder().encode(fromEnv)
  }
  const file = path.join(dataDir, 'session.key')
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(48).toString('base64'), { mode: 0o600, flag: 'wx' })
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  // A key file left readable by an older version or by hand is tightened, not trusted as is.
  securePrivateFile(file)
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim())
}
