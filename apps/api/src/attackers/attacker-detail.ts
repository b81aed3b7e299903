import type { AttackerDetail, AttackerDetailOptions } from '@decnet/db'
import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'

/** The attacker's profile with a page of its credentials and its latest logs, or NOT_FOUND. */
export async function requireAttackerDetail(
  db: ApiServices['db'],
  id: string,
  options: AttackerDetailOptions,
): Promise<AttackerDetail> {
  const detail = await db.attackers.get(id, options)
  if (!detail) throw new AppError('not_found', `no attacker with id ${id}`)
  return detail
}
