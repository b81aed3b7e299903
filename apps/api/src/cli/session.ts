import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { writePrivateFile } from './private-file.ts'

/** Where `decnet login` keeps the session token (mode 0600), unless DECNET_TOKEN is set. */
export function tokenFile(): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config')
  return path.join(base, 'decnet', 'token.json')
}

export type StoredSession = { url: string; token: string; expiresAt: string }

export function readSession(): StoredSession | null {
  if (process.env.DECNET_TOKEN) {
    return { url: apiUrl(), token: process.env.DECNET_TOKEN, expiresAt: '' }
  }
  try {
    const stored = JSON.parse(readFileSync(tokenFile(), 'utf8')) as StoredSession
    if (stored.expiresAt && Date.parse(stored.expiresAt) < Date.now()) return null
    return stored
  } catch {
    return null
  }
}

export function writeSession(session: StoredSession): void {
  const file = tokenFile()
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  chmodSync(path.dirname(file), 0o700)
  writePrivateFile(file, JSON.stringify(session))
}

export function clearSession(): void {
  rmSync(tokenFile(), { force: true })
}

export function apiUrl(): string {
  return (process.env.DECNET_URL || `http://127.0.0.1:${process.env.DECNET_API_PORT || 4000}`).replace(
    /\/$/,
    '',
  )
}
