// The identity (and campaign) an attacker's address belongs to, as the correlation worker last
// stored it (null: not correlated with anyone); NOT_FOUND for an unknown attacker id.
import type { IdentityDetail } from '@decnet/db'
import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'

export async function requireAttackerIdentity(
  db: ApiServices['db'],
  attackerId: string,
): Promise<IdentityDetail | null> {
  const detail = await db.correlation.identityOfAttacker(attackerId)
  if (detail === undefined) throw new AppError('not_found', `no attacker with id ${attackerId}`)
  return detail
}
