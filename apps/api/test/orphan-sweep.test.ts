// The orphan sweep against the real Docker daemon: containers labelled as ours (under a throwaway
// instance) that the fleet does not hold on the host are removed; held ones stay; pending_removal
// deckies lose their containers and then their rows; what was done lands in the audit log.
import { execFileSync } from 'node:child_process'
import type { DecnetDatabase } from '@decnet/db'
import { sqliteTestDatabase, type TestDatabase } from '@decnet/db/testing'
import { DockerEngine } from '@decnet/lifecycle'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decoyImage } from '../src/workers/engine.ts'
import { AUDIT_ORPHANS_SWEPT, sweepHostOrphans } from '../src/workers/orphan-sweep.ts'

const INSTANCE = `sweep${process.pid}`

function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim()
}

/** A container of ours for `decky` (the decoy image idling on no network: the labels are what count). */
function ourContainer(decky: string, role: 'base' | 'decoy', suffix = ''): void {
  docker([
    'run',
    '-d',
    '--name',
    `${INSTANCE}-${decky}${suffix}`,
    '--label',
    'decnet.managed=true',
    '--label',
    `decnet.instance=${INSTANCE}`,
    '--label',
    `decnet.decky=${decky}`,
    '--label',
    `decnet.role=${role}`,
    '--network',
    'none',
    '--entrypoint',
    '/opt/decnet/pause',
    decoyImage(),
  ])
}

function ourDeckies(): string[] {
  const out = docker([
    'ps',
    '-a',
    '--filter',
    `label=decnet.instance=${INSTANCE}`,
    '--format',
    '{{.Label "decnet.decky"}}',
  ])
  return [...new Set(out.split('\n').filter(Boolean))].sort()
}

function removeAll(): void {
  const ids = docker(['ps', '-aq', '--filter', `label=decnet.instance=${INSTANCE}`])
    .split('\n')
    .filter(Boolean)
  if (ids.length > 0) docker(['rm', '-f', ...ids])
}

const decky = (name: string, ip: string, hostId: string) => ({
  name,
  ip,
  hostId,
  mac: '02:42:ac:11:00:02',
  hostname: name,
  distro: 'debian',
  services: ['ssh'],
  serviceConfig: {},
  osFamily: 'linux',
})

describe('orphan sweep (real Docker)', () => {
  let provider: TestDatabase
  let db: DecnetDatabase
  let hostId: string
  const engine = new DockerEngine({
    image: decoyImage(),
    docker: new Docker(),
    instance: INSTANCE,
    networkName: `${INSTANCE}_lan`,
  })
  const lines: string[] = []
  /** One sweep of host edge, sparing containers younger than `minAgeMs`. */
  const sweep = (minAgeMs: number, reason: string) =>
    sweepHostOrphans({
      db,
      engine,
      host: { id: hostId, name: 'edge' },
      minAgeMs,
      reason,
      log: (line) => lines.push(line),
    })

  beforeAll(async () => {
    provider = sqliteTestDatabase()
    ;({ db } = await provider.open())
    const host = await db.hosts.create({
      name: 'edge',
      dockerUrl: 'tcp://10.7.0.5:2376',
      tls: null,
      network: { driver: 'bridge', subnet: '10.7.0.0/24', gateway: '10.7.0.1' },
    })
    hostId = host.id
    await db.fleet.commitDeployPlan({
      create: [
        decky('held', '10.7.0.10', hostId),
        decky('leaving', '10.7.0.11', hostId),
        decky('elsewhere', '10.7.0.12', 'local'),
      ],
    })
    // Torn down while the host did not answer: kept as pending_removal.
    await db.hosts.setStatus(hostId, 'unreachable')
    await db.fleet.commitDeployPlan({ remove: ['leaving'] })
    await db.hosts.setStatus(hostId, 'active')
    expect((await db.fleet.get('leaving'))?.state).toBe('pending_removal')
    for (const name of ['held', 'leaving', 'stray', 'elsewhere']) {
      ourContainer(name, 'base')
      ourContainer(name, 'decoy', '.decoy')
    }
  })
  afterAll(async () => {
    removeAll()
    await provider.cleanup()
  })

  it('spares young containers on a periodic sweep, but still removes pending_removal deckies', async () => {
    const outcome = await sweep(600_000, 'periodic sweep')
    expect(outcome.errors).toEqual([])
    expect(outcome.released).toEqual(['leaving'])
    expect(ourDeckies()).toEqual(['elsewhere', 'held', 'stray'])
    expect(await db.fleet.get('leaving')).toBeNull()
  })

  it('removes what the fleet does not hold on that host, keeps what it holds, and audits it', async () => {
    const outcome = await sweep(0, 'host answered')
    expect(outcome.errors).toEqual([])
    // 'elsewhere' lives on another host in the fleet: on this one it is an orphan.
    expect(outcome.containersRemoved.sort()).toEqual(
      [
        `${INSTANCE}-elsewhere`,
        `${INSTANCE}-elsewhere.decoy`,
        `${INSTANCE}-stray`,
        `${INSTANCE}-stray.decoy`,
      ].sort(),
    )
    expect(ourDeckies()).toEqual(['held'])
    const entries = await db.audit.list({ target: hostId, actions: [AUDIT_ORPHANS_SWEPT] })
    expect(
      entries.map((entry) => [
        entry.actor,
        entry.detail.reason,
        entry.detail.containerCount,
        entry.detail.released,
      ]),
    ).toEqual([
      ['system', 'host answered', 4, []],
      ['system', 'periodic sweep', 0, ['leaving']],
    ])
    expect(lines.join('\n')).toContain('edge (host answered): removed 4 containers the fleet does not hold')
    // Nothing left to do: no further audit entry.
    await sweep(0, 'periodic sweep')
    expect(await db.audit.list({ target: hostId })).toHaveLength(2)
  })
})
