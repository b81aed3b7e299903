import { TRPCError } from '@trpc/server'
import type { ApiContext, Session } from '../../context.ts'
import { createSerialQueue } from '../../serial.ts'

// Role changes and deletions are serialised so two concurrent calls can never both pass the
// "at least one admin remains" check (this process owns the users it serves).
export const serialiseUserAdmin = createSerialQueue()

/** Refuses acting on yourself and removing the last admin; returns the target user. */
export async function assertMayRemoveAdminRights(
  ctx: ApiContext & { session: Session },
  id: string,
  action: string,
) {
  if (id === ctx.session.user.id) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `you cannot ${action} your own account` })
  }
  const target = await ctx.services.db.users.findById(id)
  if (!target) throw new TRPCError({ code: 'NOT_FOUND', message: `no user with id ${id}` })
  if (target.role === 'admin' && (await ctx.services.db.users.countAdmins()) <= 1) {
    throw new TRPCError({ code: 'CONFLICT', message: `cannot ${action} the last admin` })
  }
  return target
}
