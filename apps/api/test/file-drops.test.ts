// fileDrops.* in process, on the real local engine: a drop is stored with a repair of the decky, and
// the recreated FTP decoy lists and serves it to a real client (curl); the e2e does the same on Docker
// with ssh and a mutation.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { FILE_DROPS_PER_DECKY_MAX } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import { codeOf } from './support/accounts.ts'
import { inProcessApiOfSuite } from './support/in-process.ts'
import { untilTerminal } from './support/lifecycle.ts'

const run = promisify(execFile)
const BAIT = 'host=10.0.4.12\nuser=backup\npassword=Backup-2024!\n'

describe('fileDrops.list / add / remove', () => {
  const api = inProcessApiOfSuite({ viewer: 'viewer1' })
  const { admin } = api

  it('a drop reaches the decky through a repair: its FTP decoy lists and serves it; removal takes it away', async () => {
    const deployed = await admin.fleet.deploy({ ini: '[drops-1]\nservices = ftp\n' })
    expect((await untilTerminal(admin.fleet.lifecycle, deployed.lifecycleIds))[0]?.status).toBe('succeeded')
    const { address } = await admin.fleet.get({ name: 'drops-1' })
    const curl = async (path: string) =>
      (await run('curl', ['-sS', '--max-time', '20', `ftp://${address}${path}`], { timeout: 30_000 })).stdout
    expect(await curl('/')).not.toContain('db.conf')

    const added = await admin.fileDrops.add({
      name: 'drops-1',
      path: '/srv/ftp/db.conf',
      content: BAIT,
      mode: '0640',
    })
    expect(added.message).toBe('/srv/ftp/db.conf dropped on drops-1; its decoys are being updated')
    const [repair] = await untilTerminal(admin.fleet.lifecycle, [added.lifecycleId])
    expect(repair).toMatchObject({ operation: 'repair', status: 'succeeded' })
    expect(await admin.fileDrops.list({ name: 'drops-1' })).toEqual([
      {
        path: '/srv/ftp/db.conf',
        content: BAIT,
        mode: '0640',
        owner: 'root',
        size: Buffer.byteLength(BAIT),
        modifiedAt: expect.any(String),
      },
    ])
    expect(await curl('/')).toMatch(new RegExp(`\\s${Buffer.byteLength(BAIT)} .* db\\.conf\\r?\\n`))
    expect(await curl('/db.conf')).toBe(BAIT)

    const removed = await admin.fileDrops.remove({ name: 'drops-1', path: '/srv/ftp/db.conf' })
    await untilTerminal(admin.fleet.lifecycle, [removed.lifecycleId])
    expect(await admin.fileDrops.list({ name: 'drops-1' })).toEqual([])
    expect(await curl('/')).not.toContain('db.conf')
  })

  it('refuses bad paths, unknown deckies, removing what is not there and more than the cap; viewers may not', async () => {
    await admin.fleet.deploy({ ini: '[drops-2]\nservices = ssh\n' })
    for (const path of ['relative.txt', '/proc/self/environ', '/tmp/../etc/shadow', '/tmp/a b'])
      expect(await codeOf(admin.fileDrops.add({ name: 'drops-2', path, content: 'x' }))).toBe('BAD_REQUEST')
    expect(await codeOf(admin.fileDrops.add({ name: 'nobody', path: '/root/a', content: 'x' }))).toBe(
      'NOT_FOUND',
    )
    expect(await codeOf(admin.fileDrops.remove({ name: 'drops-2', path: '/root/none' }))).toBe('NOT_FOUND')
    expect(await codeOf(api.viewer.fileDrops.list({ name: 'drops-2' }))).toBe('FORBIDDEN')
    for (let i = 0; i < FILE_DROPS_PER_DECKY_MAX; i++)
      await admin.fileDrops.add({ name: 'drops-2', path: `/root/f${i}`, content: `${i}` })
    // Replacing one is not one more.
    await admin.fileDrops.add({ name: 'drops-2', path: '/root/f0', content: 'again' })
    expect(await codeOf(admin.fileDrops.add({ name: 'drops-2', path: '/root/one-more', content: 'x' }))).toBe(
      'CONFLICT',
    )
    const drops = await admin.fileDrops.list({ name: 'drops-2' })
    expect(drops).toHaveLength(FILE_DROPS_PER_DECKY_MAX)
    expect(drops.find((drop) => drop.path === '/root/f0')?.content).toBe('again')
  })

  it('the audit log records who dropped what where, never the content', async () => {
    await admin.fleet.deploy({ ini: '[drops-3]\nservices = ssh\n' })
    await admin.fileDrops.add({ name: 'drops-3', path: '/root/notes.txt', content: BAIT })
    const [entry] = (await admin.audit.list({ action: 'fileDrops.add', limit: 50 })).rows.filter(
      (row) => row.target === 'drops-3',
    )
    expect(JSON.stringify(entry)).toContain('/root/notes.txt')
    expect(JSON.stringify(entry)).not.toContain('Backup-2024!')
    expect(api.output()).not.toContain('Backup-2024!')
  })
})
