// Images: the decoy image digest each host has, and the durable rollout rows the rollout worker drives.
import {
  IMAGE_ROLLOUT_KINDS,
  type ImageHostProgress,
  type ImageRollout,
  type ImageRolloutKind,
  LIFECYCLE_STATUSES,
  parseStringArray,
  ZImageHostProgress,
} from '@decnet/core'
import type { Connection } from '../client.ts'
import { knownValue, pickColumns } from '../columns.ts'
import { ConflictError } from '../errors.ts'
import type { HostImageModel, ImageRolloutModel } from '../generated/client/sqlite/models.ts'
import { orderedId } from '../ids.ts'

const HOST_IMAGE_COLUMNS = ['hostId', 'digest', 'previousDigest', 'updatedAt'] as const

/** Which image a host runs, and the one it replaced there (kept for a rollback). */
export type HostImageRow = Pick<HostImageModel, (typeof HOST_IMAGE_COLUMNS)[number]>

/** A rollout as stored: core's shape plus the one host a push is for. */
export type ImageRolloutRow = Omit<ImageRollout, 'createdAt' | 'updatedAt' | 'completedAt'> & {
  hostId: string | null
  createdAt: Date
  updatedAt: Date
  completedAt: Date | null
}

export type NewImageRollout = {
  kind: ImageRolloutKind
  digest: string
  previousDigest: string | null
  /** A push's one host. */
  hostId?: string
  batchSize: number
  pauseSeconds: number
  hosts: ImageHostProgress[]
  createdBy: string
}

/** What the worker changes as a rollout advances (only while it holds the lease). */
export type ImageRolloutUpdate = {
  hosts?: ImageHostProgress[]
  lifecycleIds?: string[]
  status?: 'succeeded' | 'failed'
  error?: string | null
}

const ZHostsColumn = ZImageHostProgress.array()
const OPEN = ['pending', 'running']

function toRollout(row: ImageRolloutModel): ImageRolloutRow {
  return {
    id: row.id,
    kind: knownValue(IMAGE_ROLLOUT_KINDS, row.kind, 'ImageRollout.kind'),
    status: knownValue(LIFECYCLE_STATUSES, row.status, 'ImageRollout.status'),
    digest: row.digest,
    previousDigest: row.previousDigest,
    hostId: row.hostId,
    batchSize: row.batchSize,
    pauseSeconds: row.pauseSeconds,
    hosts: ZHostsColumn.parse(JSON.parse(row.hosts)),
    lifecycleIds: parseStringArray(row.lifecycleIds),
    error: row.error,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    completedAt: row.completedAt,
  }
}

const toHostImage = (row: HostImageModel): HostImageRow => pickColumns(row, HOST_IMAGE_COLUMNS)

export function imagesRepository(conn: Connection) {
  const { prisma } = conn
  return {
    hostImages: (): Promise<HostImageRow[]> =>
      conn.read(async ({ prisma }) =>
        (await prisma.hostImage.findMany({ orderBy: { hostId: 'asc' } })).map(toHostImage),
      ),

    /** Records that `hostId` now runs `digest`; the digest it had before becomes its previous one. */
    recordHostImage: (hostId: string, digest: string): Promise<HostImageRow> =>
      conn.run(() =>
        prisma.$transaction(async (tx) => {
          const before = await tx.hostImage.findUnique({ where: { hostId } })
          const previousDigest =
            before && before.digest !== digest ? before.digest : (before?.previousDigest ?? null)
          return toHostImage(
            await tx.hostImage.upsert({
              where: { hostId },
              create: { hostId, digest, previousDigest: null },
              update: { digest, previousDigest },
            }),
          )
        }),
      ),

    /**
     * Queues a rollout. Only one fleet-wide rollout or rollback is open at a time (CONFLICT); a push to
     * a host that already has one open returns that one.
     */
    createRollout: (input: NewImageRollout): Promise<ImageRolloutRow> =>
      conn.run(() =>
        prisma.$transaction(async (tx) => {
          if (input.kind === 'push') {
            const open = await tx.imageRollout.findFirst({
              where: { kind: 'push', hostId: input.hostId ?? null, status: { in: OPEN } },
            })
            if (open) return toRollout(open)
          } else {
            const open = await tx.imageRollout.findFirst({
              where: { kind: { in: ['rollout', 'rollback'] }, status: { in: OPEN } },
            })
            if (open) throw new ConflictError(`${open.kind} ${open.id} is still ${open.status}`, [open.id])
          }
          return toRollout(
            await tx.imageRollout.create({
              data: {
                id: orderedId(),
                kind: input.kind,
                digest: input.digest,
                previousDigest: input.previousDigest,
                hostId: input.hostId ?? null,
                batchSize: input.batchSize,
                pauseSeconds: input.pauseSeconds,
                hosts: JSON.stringify(input.hosts),
                createdBy: input.createdBy,
              },
            }),
          )
        }),
      ),

    get: (id: string): Promise<ImageRolloutRow | null> =>
      conn.read(async ({ prisma }) => {
        const row = await prisma.imageRollout.findUnique({ where: { id } })
        return row ? toRollout(row) : null
      }),

    /** Newest first. */
    list: (limit = 20): Promise<ImageRolloutRow[]> =>
      conn.read(async ({ prisma }) =>
        (await prisma.imageRollout.findMany({ orderBy: { id: 'desc' }, take: limit })).map(toRollout),
      ),

    /** The oldest pending rollout, or a running one whose worker's lease expired, now leased to `owner`. */
    claim: (owner: string, leaseMs: number, now = new Date()): Promise<ImageRolloutRow | null> =>
      conn.run(() =>
        prisma.$transaction(async (tx) => {
          const next = await tx.imageRollout.findFirst({
            where: { OR: [{ status: 'pending' }, { status: 'running', leaseUntil: { lt: now } }] },
            orderBy: { id: 'asc' },
          })
          if (!next) return null
          const claimed = await tx.imageRollout.updateMany({
            where: { id: next.id, status: next.status, leaseUntil: next.leaseUntil },
            data: { status: 'running', leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) },
          })
          if (claimed.count === 0) return null
          return toRollout(await tx.imageRollout.findUniqueOrThrow({ where: { id: next.id } }))
        }),
      ),

    /**
     * Extends the lease and applies `update`; false once `owner` no longer holds it (another worker
     * took the rollout over: this one stops).
     */
    advance: (
      id: string,
      owner: string,
      leaseMs: number,
      update: ImageRolloutUpdate = {},
    ): Promise<boolean> =>
      conn.run(async () => {
        const now = new Date()
        const done = update.status !== undefined
        const changed = await prisma.imageRollout.updateMany({
          where: { id, leaseOwner: owner, status: 'running' },
          data: {
            leaseUntil: done ? null : new Date(now.getTime() + leaseMs),
            ...(done ? { status: update.status, completedAt: now, leaseOwner: null } : {}),
            ...(update.hosts ? { hosts: JSON.stringify(update.hosts) } : {}),
            ...(update.lifecycleIds ? { lifecycleIds: JSON.stringify(update.lifecycleIds) } : {}),
            ...(update.error !== undefined ? { error: update.error?.slice(0, 2000) ?? null } : {}),
          },
        })
        return changed.count > 0
      }),
  }
}
