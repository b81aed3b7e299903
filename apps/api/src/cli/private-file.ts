import { chmodSync, writeFileSync } from 'node:fs'

/**
 * Writes `text` readable by its owner only (mode 0600). `mode` applies only to a file being created, so
 * an existing one is emptied and tightened before the text goes in, whatever mode it had.
 */
export function writePrivateFile(file: string, text: string): void {
  writeFileSync(file, '', { mode: 0o600 })
  chmodSync(file, 0o600)
  writeFileSync(file, text)
}
