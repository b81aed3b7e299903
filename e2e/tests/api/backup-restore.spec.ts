// Backup while ingest writes, restore into a fresh data dir, and the fleet comes back on Docker:
// the machine's deckies are removed behind DECNET's back (a lost host), the backup is restored into a
// new data directory, and the API started on it re-creates them from the Decky table (reconciler repair).
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ApiClient } from '@decnet/api/client'
import { countRows, createDatabase, type DecnetDatabase, defaultDatabaseUrl } from '@decnet/db'
import type { BackupManifest } from '../../../apps/api/src/backup/manifest.ts'
import type { RestoreReport } from '../../../apps/api/src/backup/restore-backup.ts'
import { signInAdmin } from '../../fixtures/auth.ts'
import { decnetLocalJson } from '../../fixtures/cli.ts'
import { instanceContainers, removeInstance } from '../../fixtures/docker.ts'
import { expect, type RunningStack, startStack, test } from '../../fixtures/stack.ts'
import { until } from '../../fixtures/wait.ts'

const FAST_RECONCILE = { DECNET_RECONCILE_MS: '2000', DECNET_REPAIR_BACKOFF_MS: '2000' }

const runningDeckies = (client: ApiClient, names: string[]) =>
  until(
    `${names.join(', ')} running`,
    async () => {
      const fleet = (await client.fleet.list.query()).filter((decky) => names.includes(decky.name))
      return fleet.length === names.length && fleet.every((decky) => decky.state === 'running')
        ? fleet
        : undefined
    },
    240_000,
  )

/** Ingests attack events (intelligence stage on) into the live database until stopped. */
function keepIngesting(db: DecnetDatabase): { stop: () => Promise<number> } {
  let running = true
  let written = 0
  const loop = (async () => {
    while (running) {
      await db.logs.ingest(
        Array.from({ length: 100 }, (_, i) => ({
          timestamp: new Date(),
          decky: 'keep-01',
          service: 'ssh',
          eventType: 'login_attempt',
          attackerIp: `198.51.100.${(written + i) % 200}`,
          attackerPort: 40_000 + i,
          rawLine: `login root/pw${written + i}`,
          fields: { username: 'root', password: `pw${written + i}` },
        })),
      )
      written += 100
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

test('backup during ingest, restore into a fresh data dir: counts equal the snapshot, checksums verified, the fleet comes back on Docker', async () => {
  test.setTimeout(600_000)
  const work = mkdtempSync(path.join(os.tmpdir(), 'decnet-e2e-backup-'))
  const archive = path.join(work, 'decnet.tar.gz')
  const restoredDir = path.join(work, 'restored')
  let first: RunningStack | undefined
  let second: RunningStack | undefined
  try {
    first = await startStack(FAST_RECONCILE)
    const { client } = await signInAdmin(first.stack)
    const deployed = await client.fleet.deploy.mutate({
      ini: '[keep-01]\nservices = ssh\n[keep-02]\nservices = http\n',
    })
    expect(deployed.lifecycleIds).toHaveLength(2)
    const before = await runningDeckies(client, ['keep-01', 'keep-02'])

    const liveUrl = defaultDatabaseUrl(first.stack.dataDir)
    const writer = createDatabase(liveUrl)
    const ingest = keepIngesting(writer)
    let backup: { manifest: BackupManifest }
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      backup = await decnetLocalJson(['backup', archive], first.stack.dataDir)
      await new Promise((resolve) => setTimeout(resolve, 500))
    } finally {
      await ingest.stop()
      await writer.close()
    }
    const { manifest } = backup
    const snapshotLogs = manifest.database.rowCounts.Log ?? 0
    expect(snapshotLogs).toBeGreaterThan(0)
    expect((await countRows(liveUrl)).Log ?? 0).toBeGreaterThan(snapshotLogs) // ingest ran across the snapshot
    expect(manifest.database.rowCounts.Decky).toBe(2)

    // The machine is lost: the API stops and every container and network of the fleet is gone.
    await first.stop({ keep: true })
    removeInstance(first.identity.instance)
    expect(instanceContainers(first.identity.instance)).toEqual([])

    const report = await decnetLocalJson<RestoreReport>(['restore', archive], restoredDir)
    expect(report.verifiedFiles).toBe(manifest.files.length)
    expect(report.rowCounts).toEqual(manifest.database.rowCounts)

    second = await startStack(FAST_RECONCILE, { ...first.identity, dataDir: restoredDir })
    const restored = (await signInAdmin(second.stack)).client
    // The restored rows still say `running`: wait for the containers themselves to be re-created
    // (the reconciler sees them missing and repairs), then for the decky states.
    await until(
      'the fleet re-created on Docker',
      async () => {
        const deckies = new Set(instanceContainers(first?.identity.instance ?? '').map((each) => each.decky))
        return deckies.has('keep-01') && deckies.has('keep-02') ? true : undefined
      },
      240_000,
    )
    const after = await runningDeckies(restored, ['keep-01', 'keep-02'])
    expect(after.map((decky) => [decky.name, decky.ip]).sort()).toEqual(
      before.map((decky) => [decky.name, decky.ip]).sort(),
    )
    // The events of the snapshot are searchable on the restored installation.
    const search = await restored.logs.search.query({ q: 'decky:keep-01' })
    expect(search.total).toBeGreaterThan(0)
  } finally {
    await second?.stop()
    if (first) {
      removeInstance(first.identity.instance)
      rmSync(first.identity.dataDir, { recursive: true, force: true })
    }
    rmSync(work, { recursive: true, force: true })
  }
})
