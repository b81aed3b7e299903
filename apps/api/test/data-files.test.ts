// The data directory and the secrets in it are private to the service's user (issue 24), and so
// is the CLI's stored token, whatever modes older versions or an operator left behind.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { tokenFile, writeSession } from '../src/cli/session.ts'
import { NO_WORKERS, startInProcessApi } from './support/in-process.ts'

const modeOf = (file: string) => statSync(file).mode & 0o777

describe('file modes', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'decnet-modes-'))
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  it('tightens an existing 0755 data dir to 0700, and the database, its WAL files and the session key to 0600', async () => {
    const dataDir = path.join(scratch, 'data')
    mkdirSync(dataDir, { mode: 0o755 })
    chmodSync(dataDir, 0o755)
    const key = path.join(dataDir, 'session.key')
    writeFileSync(key, 'k'.repeat(64), { mode: 0o644 })
    chmodSync(key, 0o644)
    const api = await startInProcessApi({ env: NO_WORKERS, dataDir })
    try {
      expect(modeOf(dataDir)).toBe(0o700)
      expect(modeOf(key)).toBe(0o600)
      const db = path.join(dataDir, 'decnet.db')
      expect(modeOf(db)).toBe(0o600)
      // The API holds the database open in WAL mode: its companions exist, private from creation.
      for (const companion of [`${db}-wal`, `${db}-shm`]) {
        expect(existsSync(companion)).toBe(true)
        expect(modeOf(companion)).toBe(0o600)
      }
    } finally {
      await api.stop()
    }
  })

  it('tightens a database left at 0644 by an older version', async () => {
    const dataDir = path.join(scratch, 'old')
    const first = await startInProcessApi({ env: NO_WORKERS, dataDir })
    await first.stop()
    const db = path.join(dataDir, 'decnet.db')
    chmodSync(db, 0o644)
    chmodSync(dataDir, 0o755)
    const again = await startInProcessApi({ env: NO_WORKERS, dataDir })
    try {
      expect(modeOf(db)).toBe(0o600)
      expect(modeOf(dataDir)).toBe(0o700)
    } finally {
      await again.stop()
    }
  })

  describe('the CLI token file', () => {
    const saved = process.env.XDG_CONFIG_HOME
    afterEach(() => {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME
      else process.env.XDG_CONFIG_HOME = saved
    })

    it('is 0600 (in a 0700 directory) even when a 0644 one existed before', () => {
      process.env.XDG_CONFIG_HOME = path.join(scratch, 'config')
      const file = tokenFile()
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 })
      chmodSync(path.dirname(file), 0o755)
      writeFileSync(file, '{}', { mode: 0o644 })
      chmodSync(file, 0o644)
      writeSession({ url: 'http://127.0.0.1:4000', token: 'secret-token', expiresAt: '' })
      expect(modeOf(file)).toBe(0o600)
      expect(modeOf(path.dirname(file))).toBe(0o700)
    })
  })
})
