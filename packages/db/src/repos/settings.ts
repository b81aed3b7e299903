// Settings (config/state key-value), worker heartbeats and hosts.
import { HOST_STATUSES, type HostStatus, parseObject, WORKER_STATUSES } from '@decnet/core'
import type { Connection } from '../client.ts'
import { knownValue } from '../columns.ts'
import { ConflictError, isUniqueViolation, NotFoundError } from '../errors.ts'
import type { HostModel, WorkerHeartbeatModel } from '../generated/client/sqlite/models.ts'
import type { Host, HostEngine, HostInput, WorkerHeartbeat } from '../types.ts'

export function settingsRepository(conn: Connection) {
  const { prisma } = conn
  return {
    /** The stored JSON value, or undefined when the key was never set. */
    get: (key: string): Promise<unknown> =>
      conn.read(async ({ prisma }) => {
        const row = await prisma.setting.findUnique({ where: { key } })
        return row ? (JSON.parse(row.value) as unknown) : undefined
      }),
    all: (): Promise<Record<string, unknown>> =>
      conn.read(async ({ prisma }) => {
        const rows = await prisma.setting.findMany()
        return Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]))
      }),
    set: (key: string, value: unknown): Promise<void> =>
      conn.run(async () => {
        const text = JSON.stringify(value ?? null)
        await prisma.setting.upsert({ where: { key }, create: { key, value: text }, update: { value: text } })
      }),
    delete: (key: string): Promise<void> =>
      conn.run(async () => {
        await prisma.setting.deleteMany({ where: { key } })
      }),
  }
}

export function heartbeatsRepository(conn: Connection) {
  const { prisma } = conn
  const toHeartbeat = (row: WorkerHeartbeatModel): WorkerHeartbeat => ({
    ...row,
    status: knownValue(WORKER_STATUSES, row.status, 'WorkerHeartbeat.status'),
  })
  return {
    beat: (input: {
      worker: string
      status: WorkerHeartbeat['status']
      detail?: string | null
      at?: Date
    }): Promise<void> =>
      conn.run(async () => {
        const data = { status: input.status, detail: input.detail ?? null, beatAt: input.at ?? new Date() }
        await prisma.workerHeartbeat.upsert({
          where: { worker: input.worker },
          create: { worker: input.worker, ...data },
          update: data,
        })
      }),
    list: (): Promise<WorkerHeartbeat[]> =>
      conn.read(async ({ prisma }) =>
        (await prisma.workerHeartbeat.findMany({ orderBy: { worker: 'asc' } })).map(toHeartbeat),
      ),
    get: (worker: string): Promise<WorkerHeartbeat | null> =>
      conn.read(async ({ prisma }) => {
        const row = await prisma.workerHeartbeat.findUnique({ where: { worker } })
        return row ? toHeartbeat(row) : null
      }),
  }
}

function toHost({ engineId, engineVersion, cpus, memoryMiB, ...row }: HostModel): Host {
  return {
    ...row,
    engine:
      engineVersion === null
        ? null
        : { id: engineId ?? '', version: engineVersion, cpus: cpus ?? 0, memoryMiB: memoryMiB ?? 0 },
    tls: row.tls === null ? null : (parseObject(row.tls) as unknown as NonNullable<Host['tls']>),
    network: parseObject(row.network) as unknown as Host['network'],
    status: knownValue(HOST_STATUSES, row.status, 'Host.status'),
  }
}

function engineData(engine: HostEngine | null) {
  return {
    engineId: engine?.id ?? null,
    engineVersion: engine?.version ?? null,
    cpus: engine?.cpus ?? null,
    memoryMiB: engine?.memoryMiB ?? null,
  }
}

export function hostsRepository(conn: Connection) {
  const { prisma } = conn
  return {
    create: (input: HostInput): Promise<Host> =>
      conn.run(async () => {
        try {
          const row = await prisma.host.create({
            data: {
              name: input.name,
              dockerUrl: input.dockerUrl,
              tls: input.tls === null ? null : JSON.stringify(input.tls),
              network: JSON.stringify(input.network),
              capacity: input.capacity ?? null,
              ...engineData(input.engine ?? null),
            },
          })
          return toHost(row)
        } catch (error) {
          if (isUniqueViolation(error)) {
            throw new ConflictError(`host "${input.name}" already exists`, [input.name])
          }
          throw error
        }
      }),
    list: (): Promise<Host[]> =>
      conn.read(async ({ prisma }) => (await prisma.host.findMany({ orderBy: { name: 'asc' } })).map(toHost)),
    get: (id: string): Promise<Host | null> =>
      conn.read(async ({ prisma }) => {
        const row = await prisma.host.findUnique({ where: { id } })
        return row ? toHost(row) : null
      }),
    setStatus: (id: string, status: HostStatus, heartbeatAt?: Date): Promise<void> =>
      conn.run(async () => {
        const result = await prisma.host.updateMany({
          where: { id },
          data: heartbeatAt ? { status, lastHeartbeat: heartbeatAt } : { status },
        })
        if (result.count === 0) throw new NotFoundError(`host ${id} not found`)
      }),
    /**
     * Moves a host to `status` only while it is still in one of `from` (a heartbeat must not undo a
     * decommission that landed while its ping was in flight). False when it was not.
     */
    setStatusIf: (
      id: string,
      from: readonly HostStatus[],
      status: HostStatus,
      heartbeatAt?: Date,
      /** What the engine answered with, and the capacity that follows from it. */
      facts?: { engine: HostEngine; capacity: number },
    ): Promise<boolean> =>
      conn.run(async () => {
        const result = await prisma.host.updateMany({
          where: { id, status: { in: [...from] } },
          data: {
            status,
            ...(heartbeatAt ? { lastHeartbeat: heartbeatAt } : {}),
            ...(facts ? { ...engineData(facts.engine), capacity: facts.capacity } : {}),
          },
        })
        return result.count > 0
      }),
    delete: (id: string): Promise<boolean> =>
      conn.run(async () => (await prisma.host.deleteMany({ where: { id } })).count > 0),
  }
}
