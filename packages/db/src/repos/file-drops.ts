// File drops: bait files in a decky's visible filesystem. Every change queues a repair of the decky in
// the same transaction, so the runner hands the new set to its decoys (the request does no Docker work).
import type { FileDrop } from '@decnet/core'
import type { Connection } from '../client.ts'
import { pickColumns } from '../columns.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import type { FileDropModel } from '../generated/client/sqlite/models.ts'
import { queueRepair, TX_OPTIONS } from './fleet.ts'

export type FileDropInput = Omit<FileDrop, 'modifiedAt'> & { deckyName: string }

function toFileDrop(row: FileDropModel): FileDrop {
  return {
    ...pickColumns(row, ['path', 'content', 'mode', 'owner']),
    modifiedAt: row.createdAt.toISOString(),
  }
}

export function fileDropsRepository(conn: Connection) {
  const { prisma, dialect } = conn
  return {
    /** A decky's drops, by path. */
    list: (deckyName: string): Promise<FileDrop[]> =>
      conn.read(async ({ prisma }) =>
        (await prisma.fileDrop.findMany({ where: { deckyName }, orderBy: { path: 'asc' } })).map(toFileDrop),
      ),

    /**
     * Places (or replaces) one drop, at most `maxPerDecky` per decky, and queues the decky's repair.
     * `payload` says who asked (the lifecycle row's).
     */
    add: (
      drop: FileDropInput,
      maxPerDecky: number,
      payload: Record<string, unknown>,
    ): Promise<{ lifecycleId: string }> =>
      conn.run(() =>
        prisma.$transaction(async (tx) => {
          const queued = await queueRepair(tx, dialect, drop.deckyName, payload)
          const key = { deckyName_path: { deckyName: drop.deckyName, path: drop.path } }
          const replacing = (await tx.fileDrop.count({ where: key.deckyName_path })) > 0
          const count = await tx.fileDrop.count({ where: { deckyName: drop.deckyName } })
          if (!replacing && count >= maxPerDecky)
            throw new ConflictError(
              `decky "${drop.deckyName}" already has ${count} file drops (at most ${maxPerDecky})`,
              [drop.path],
            )
          const data = { content: drop.content, mode: drop.mode, owner: drop.owner, createdAt: new Date() }
          await tx.fileDrop.upsert({ where: key, create: { ...drop, ...data }, update: data })
          return queued
        }, TX_OPTIONS),
      ),

    /** Removes one drop and queues the decky's repair; NotFoundError when there is none at `path`. */
    remove: (
      deckyName: string,
      path: string,
      payload: Record<string, unknown>,
    ): Promise<{ lifecycleId: string }> =>
      conn.run(() =>
        prisma.$transaction(async (tx) => {
          const removed = await tx.fileDrop.deleteMany({ where: { deckyName, path } })
          if (removed.count === 0) throw new NotFoundError(`decky "${deckyName}" has no file drop at ${path}`)
          return queueRepair(tx, dialect, deckyName, payload)
        }, TX_OPTIONS),
      ),
  }
}
