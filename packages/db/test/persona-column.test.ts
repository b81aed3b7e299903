// Decky.persona (migration 0013): written at deploy, null on rows from before it, stored once on
// first use (issue 17).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { derivePersona, personaForLegacyDecky } from '@decnet/core'
import { afterAll, describe, expect, it } from 'vitest'
import { createDatabase } from '../src/database.ts'
import { migrate } from '../src/migrate.ts'
import { migratedBefore } from '../src/testing/raw-sql.ts'
import { databases, decky, freshDatabaseEachTest } from './fixtures.ts'

const persona = (seedByte: string) =>
  derivePersona({ seed: seedByte.repeat(32), osFamily: 'linux', distro: 'debian', hostname: 'web-01-host' })

describe.each(databases())('Decky.persona on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  it('stores the planned persona with the decky, and keeps it through a replace-mode update', async () => {
    const mine = persona('a')
    await fresh.db.fleet.commitDeployPlan({ create: [decky('web-01', '10.0.0.10', { persona: mine })] })
    expect((await fresh.db.fleet.get('web-01'))?.persona).toEqual(mine)
    await fresh.db.fleet.commitDeployPlan({
      update: [decky('web-01', '10.0.0.10', { persona: mine, services: ['ssh'] })],
    })
    expect((await fresh.db.fleet.get('web-01'))?.persona).toEqual(mine)
  })

  it('a row without persona gets one stored on first use; a later writer does not replace it', async () => {
    await fresh.db.fleet.commitDeployPlan({ create: [decky('old-01', '10.0.0.11')] })
    const row = await fresh.db.fleet.get('old-01')
    expect(row?.persona).toBeNull()
    if (!row) throw new Error('row missing')
    const derived = personaForLegacyDecky(row)
    expect(await fresh.db.fleet.ensurePersona('old-01', derived)).toEqual(derived)
    expect(await fresh.db.fleet.ensurePersona('old-01', persona('b'))).toEqual(derived)
    expect((await fresh.db.fleet.get('old-01'))?.persona).toEqual(derived)
  })
})

describe('migration 0013 on a database from before personas (SQLite)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'decnet-persona-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('adds the column, leaves existing deckies null, and they get a persona on first use', async () => {
    const file = path.join(dir, 'old.db')
    await migratedBefore(`file:${file}`, '0013', () => [
      [
        `INSERT INTO "Decky" (name, ip, mac, hostname, distro, services, osFamily, "updatedAt")
         VALUES ('legacy', '10.0.0.5', '00:1b:21:0a:0b:0c', 'SRV-ECHO-17', 'ubuntu22', '["ssh"]', 'linux', $1)`,
        [new Date().toISOString()],
      ],
    ])
    // Every migration after 0012 runs, the persona column's first.
    expect((await migrate(`file:${file}`))[0]).toBe('0013_decky_persona')
    const db = createDatabase(`file:${file}`)
    try {
      const row = await db.fleet.get('legacy')
      expect(row?.persona).toBeNull()
      if (!row) throw new Error('row missing')
      const stored = await db.fleet.ensurePersona('legacy', personaForLegacyDecky(row))
      expect(stored).toMatchObject({ hostname: 'SRV-ECHO-17', mac: '00:1b:21:0a:0b:0c' })
      expect(stored.os.versionId).toBe('22.04')
      expect((await db.fleet.get('legacy'))?.persona).toEqual(stored)
    } finally {
      await db.close()
    }
  })
})
