import { SearchQueryError } from '@decnet/db'
import { initTRPC, TRPCError } from '@trpc/server'
import { ZodError } from 'zod'
import { AUDIT_OK, type AuditMeta, auditEntryOf } from './audit/operator-audit.ts'
import type { ApiContext } from './context.ts'
import { toTRPCError } from './errors.ts'

export type ProcedureRole = 'anon' | 'any' | 'viewer' | 'admin'

export type ProcedureMeta = {
  /** Who may call it; set by the procedure builders below, read by the authorization tests. */
  role?: ProcedureRole
  /** Callable by a user who still has to change their one-time password (auth.me/logout/changePassword). */
  allowedBeforePasswordChange?: boolean
  /** How the audit log attributes a call of it (every mutation is recorded; see recordMutation). */
  audit?: AuditMeta
}

const t = initTRPC
  .context<ApiContext>()
  .meta<ProcedureMeta>()
  .create({
    // Plain JSON on the wire (no transformer) so curl and non-TS clients work.
    isServer: true,
    sse: {
      ping: { enabled: true, intervalMs: 10_000 },
      client: { reconnectAfterInactivityMs: 20_000 },
    },
    errorFormatter({ shape, error }) {
      const zodError = error.cause instanceof ZodError ? error.cause.issues.slice(0, 20) : undefined
      // Where a malformed search went wrong, so a client can point at it (0-based offset, 1-based column).
      const searchError =
        error.cause instanceof SearchQueryError
          ? { position: error.cause.position, column: error.cause.position + 1 }
          : undefined
      // Never ship stack traces.
      const { stack: _stack, ...data } = shape.data
      return {
        ...shape,
        data: {
          ...data,
          ...(zodError ? { zodIssues: zodError } : {}),
          ...(searchError ? { searchError } : {}),
        },
      }
    },
  })

export const router = t.router
export const createCallerFactory = t.createCallerFactory
export const middleware = t.middleware

/** Maps every thrown error through the single domain → tRPC code table. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next()
  if (!result.ok) {
    const mapped = toTRPCError(result.error)
    if (mapped.code === 'INTERNAL_SERVER_ERROR') {
      console.error('decnet api: internal error:', result.error.cause ?? result.error)
    }
    return { ...result, error: mapped }
  }
  return result
})

/**
 * Every mutation call lands in the audit log once it settled, with its outcome (ok or the error code it
 * was refused or failed with): one insert, after the work, so a new mutation is audited without asking.
 * A failing append is logged and does not undo or fail a call that already happened.
 */
const recordMutation = t.middleware(async ({ ctx, type, path, meta, getRawInput, next }) => {
  if (type !== 'mutation') return next()
  const result = await next()
  const rawInput = await getRawInput().catch(() => undefined)
  const entry = auditEntryOf({
    ctx,
    path,
    audit: meta?.audit,
    rawInput,
    outcome: result.ok ? AUDIT_OK : result.error.code,
  })
  if (entry) {
    await ctx.services.db.audit.append(entry).catch((error: unknown) => {
      console.error(`decnet api: the audit entry of ${path} was not written:`, error)
    })
  }
  return result
})

// recordMutation wraps mapErrors, so it records the mapped code a client sees.
export const publicProcedure = t.procedure.meta({ role: 'anon' }).use(recordMutation).use(mapErrors)

/** Any signed-in user; a user with a pending password change only reaches the procedures marked for it. */
export const authedProcedure = publicProcedure.meta({ role: 'any' }).use(({ ctx, meta, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in first' })
  if (ctx.session.user.mustChangePassword && !meta?.allowedBeforePasswordChange) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'change your one-time password first (auth.changePassword)',
    })
  }
  return next({ ctx: { ...ctx, session: ctx.session } })
})

export const viewerProcedure = authedProcedure.meta({ role: 'viewer' })

export const adminProcedure = authedProcedure.meta({ role: 'admin' }).use(({ ctx, next }) => {
  if (ctx.session.user.role !== 'admin') {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'this action needs the admin role' })
  }
  return next()
})
