// File drops: an admin's bait files in a decky's visible filesystem (core's schemas/file-drops.ts).
// Each change is stored with a queued repair of the decky; the runner recreates the decoys that show
// files (shell, FTP) with the new set. Content is bait an attacker will read: it is never logged.
import { type AddFileDropRequest, FILE_DROPS_PER_DECKY_MAX, type FileDrop } from '@decnet/core'
import type { ApiServices } from '../context.ts'
import { assertDeckyHostCanOperate, requireDecky } from './decky-lookup.ts'
import { serialiseFleetChanges } from './plan.ts'

type DropServices = Pick<ApiServices, 'db' | 'runner' | 'secrets'>

export type FileDropRow = FileDrop & { size: number }

export async function listFileDrops(services: Pick<ApiServices, 'db'>, name: string): Promise<FileDropRow[]> {
  const decky = await requireDecky(services.db, name)
  return (await services.db.fileDrops.list(decky.name)).map((drop) => ({
    ...drop,
    size: Buffer.byteLength(drop.content, 'utf8'),
  }))
}

export function addFileDrop(
  services: DropServices,
  request: AddFileDropRequest,
  actor: string,
): Promise<{ message: string; lifecycleId: string }> {
  return serialiseFleetChanges(async () => {
    const decky = await requireDecky(services.db, request.name)
    await assertDeckyHostCanOperate(services, decky, 'repair')
    const { lifecycleId } = await services.db.fileDrops.add(
      {
        deckyName: decky.name,
        path: request.path,
        content: request.content,
        mode: request.mode,
        owner: request.owner,
      },
      FILE_DROPS_PER_DECKY_MAX,
      { trigger: 'file-drop', actor, path: request.path },
    )
    services.runner.wake()
    return { message: `${request.path} dropped on ${decky.name}; its decoys are being updated`, lifecycleId }
  })
}

export function removeFileDrop(
  services: DropServices,
  request: { name: string; path: string },
  actor: string,
): Promise<{ message: string; lifecycleId: string }> {
  return serialiseFleetChanges(async () => {
    const decky = await requireDecky(services.db, request.name)
    await assertDeckyHostCanOperate(services, decky, 'repair')
    const { lifecycleId } = await services.db.fileDrops.remove(decky.name, request.path, {
      trigger: 'file-drop-removed',
      actor,
      path: request.path,
    })
    services.runner.wake()
    return {
      message: `${request.path} removed from ${decky.name}; its decoys are being updated`,
      lifecycleId,
    }
  })
}
