// `decnet backup` / `decnet restore` / `decnet upgrade` on SQLite, run as the real CLI beside a live API
// whose database another process keeps ingesting into (Docker fleet recovery: e2e backup-restore.spec).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { countRows, createDatabase, type DecnetDatabase, latestMigration } from '@decnet/db'
import * as tar from 'tar'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackupManifest } from '../src/backup/manifest.ts'
import type { RestoreReport } from '../src/backup/restore-backup.ts'
import { codeOf, readyAdmin } from './support/accounts.ts'
import { decnetLocal, decnetLocalJson } from './support/cli.ts'
import { type Client, clientFor } from './support/clients.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'

const attempt = (i: number) => ({
  timestamp: new Date(),
  decky: 'backup-01',
  service: 'ssh',
  eventType: 'login_attempt',
  attackerIp: `198.51.100.${i % 200}`,
  attackerPort: 40_000 + (i % 1000),
  rawLine: `login root/pw${i}`,
  fields: { username: 'root', password: `pw${i}` },
})

/** Ingests batches into the live database from another process's handle until stopped. */
function keepIngesting(db: DecnetDatabase): { stop: () => Promise<number> } {
  let running = true
  let written = 0
  const loop = (async () => {
    while (running) {
      await db.logs.ingest(Array.from({ length: 50 }, (_, i) => attempt(written + i)))
      written += 50
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      return written
    },
  }
}

describe('backup and restore (SQLite, online, CLI)', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'decnet-backup-test-'))
  const archive = path.join(work, 'backup.tar.gz')
  const restoredDir = path.join(work, 'restored')
  let source: ServerProcess
  let restored: ServerProcess | undefined
  let admin: Client
  let adminToken: string
  let integrationToken: string
  let manifest: BackupManifest
  beforeAll(async () => {
    source = await startServerProcess({ DECNET_DISABLE_WORKERS: 'runner,reconciler,mutator' })
    const signedIn = await readyAdmin(source)
    admin = signedIn.client
    adminToken = signedIn.token
    integrationToken = (await admin.apiTokens.create.mutate({ name: 'soar', role: 'viewer' })).token
    await admin.fleet.deploy.mutate({ ini: '[backup-01]\nservices = ssh\n' })
    // An artifact-like file in the data dir must travel with the backup.
    mkdirSync(path.join(source.dataDir, 'artifacts', 'ab'), { recursive: true })
    writeFileSync(path.join(source.dataDir, 'artifacts', 'ab', 'payload.bin'), Buffer.alloc(70_000, 7))
  }, 180_000)
  afterAll(async () => {
    await restored?.stop()
    await source?.stop()
    rmSync(work, { recursive: true, force: true })
  })

  it('backs up while another process ingests: the manifest counts the snapshot, which is mid-stream', async () => {
    const writer = createDatabase(`file:${path.join(source.dataDir, 'decnet.db')}`, { intel: false })
    const ingest = keepIngesting(writer)
    try {
      await new Promise((resolve) => setTimeout(resolve, 500))
      manifest = (await decnetLocalJson<{ manifest: BackupManifest }>(['backup', archive], source.dataDir))
        .manifest
      await new Promise((resolve) => setTimeout(resolve, 300))
    } finally {
      await ingest.stop()
      await writer.close()
    }
    const now = await countRows(`file:${path.join(source.dataDir, 'decnet.db')}`)
    const snapshotLogs = manifest.database.rowCounts.Log ?? 0
    expect(snapshotLogs).toBeGreaterThan(0)
    expect(now.Log ?? 0).toBeGreaterThan(snapshotLogs) // ingest went on after the snapshot point
    expect(manifest.database.rowCounts).toMatchObject({ User: 1, ApiToken: 1, Decky: 1 })
    expect(manifest.database.migrations.at(-1)).toBe(latestMigration())
    expect(manifest.files.map((file) => file.path)).toEqual(
      expect.arrayContaining(['database/decnet.sqlite', 'data/session.key', 'data/artifacts/ab/payload.bin']),
    )
    expect(manifest.files.some((file) => /decnet\.db/.test(file.path))).toBe(false)
    expect((await import('node:fs')).statSync(archive).mode & 0o777).toBe(0o600)
  }, 180_000)

  it('refuses a tampered archive and a newer schema, touching nothing', { timeout: 60_000 }, async () => {
    const unpacked = path.join(work, 'unpacked')
    mkdirSync(unpacked)
    await tar.x({ file: archive, cwd: unpacked })
    const entries = ['manifest.json', ...manifest.files.map((file) => file.path)]

    writeFileSync(path.join(unpacked, 'data/artifacts/ab/payload.bin'), Buffer.alloc(70_000, 8))
    await tar.c({ gzip: true, file: path.join(work, 'tampered.tar.gz'), cwd: unpacked }, entries)
    const tampered = await decnetLocal(
      ['restore', path.join(work, 'tampered.tar.gz')],
      path.join(work, 'fresh-1'),
    )
    expect(tampered.code).toBe(1)
    expect(tampered.stderr).toMatch(/checksum mismatch: data\/artifacts\/ab\/payload\.bin/)

    const future = JSON.parse(readFileSync(path.join(unpacked, 'manifest.json'), 'utf8')) as BackupManifest
    future.database.migrations.push('9999_from_a_newer_decnet')
    writeFileSync(path.join(unpacked, 'manifest.json'), JSON.stringify(future))
    await tar.c({ gzip: true, file: path.join(work, 'newer.tar.gz'), cwd: unpacked }, entries)
    const newer = await decnetLocal(['restore', path.join(work, 'newer.tar.gz')], path.join(work, 'fresh-2'))
    expect(newer.code).toBe(1)
    expect(newer.stderr).toMatch(/migrated by a newer DECNET.*9999_from_a_newer_decnet/)
    for (const dir of ['fresh-1', 'fresh-2']) {
      expect((await import('node:fs')).existsSync(path.join(work, dir, 'decnet.db'))).toBe(false)
    }
  })

  it('restores into a fresh data dir: counts equal the snapshot, secrets and artifacts back, tokens still valid', async () => {
    const report = await decnetLocalJson<RestoreReport>(['restore', archive], restoredDir)
    expect(report.verifiedFiles).toBe(manifest.files.length)
    expect(report.rowCounts).toEqual(manifest.database.rowCounts)
    expect(await countRows(`file:${path.join(restoredDir, 'decnet.db')}`)).toEqual(
      manifest.database.rowCounts,
    )
    expect(readFileSync(path.join(restoredDir, 'artifacts', 'ab', 'payload.bin'))).toEqual(
      Buffer.alloc(70_000, 7),
    )

    // Restoring over it again is refused: a restore never merges into an installation.
    const again = await decnetLocal(['restore', archive], restoredDir)
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/not empty/)

    restored = await startServerProcess({ DECNET_DISABLE_WORKERS: 'runner,reconciler,mutator' }, restoredDir)
    // The session key came back, so the admin's session and the integration's token both still work.
    expect((await clientFor(restored.url, adminToken).fleet.list.query()).map((decky) => decky.name)).toEqual(
      ['backup-01'],
    )
    expect(await codeOf(clientFor(restored.url, integrationToken).logs.search.query({ q: '' }))).toBe('OK')
  }, 60_000)

  it('upgrade backs up first, then migrates (nothing to apply on a current database) and reports', async () => {
    const upgradeArchive = path.join(work, 'pre-upgrade.tar.gz')
    await restored?.stop()
    restored = undefined
    const rowsNow = Object.values(await countRows(`file:${path.join(restoredDir, 'decnet.db')}`)).reduce(
      (sum, n) => sum + n,
      0,
    )
    const result = await decnetLocal(['--json', 'upgrade', '--backup', upgradeArchive], restoredDir)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      backup: upgradeArchive,
      schemaBefore: latestMigration(),
      schemaAfter: latestMigration(),
      applied: [],
      rowsBackedUp: rowsNow,
    })
  }, 60_000)
})
