import { type DecnetErrorCode, isDecnetError } from '@decnet/core'
import { ConflictError, NotFoundError, SearchQueryError } from '@decnet/db'
import { type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server'
import { AppError, type AppErrorCode } from './app-error.ts'

/** The one table from domain error codes (the API's AppError and core's DecnetError) to tRPC codes. */
export const TRPC_CODE_OF: Readonly<Record<AppErrorCode | DecnetErrorCode, TRPC_ERROR_CODE_KEY>> = {
  invalid_input: 'BAD_REQUEST',
  invalid_ini: 'BAD_REQUEST',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  limit_exceeded: 'CONFLICT',
  precondition_failed: 'PRECONDITION_FAILED',
  forbidden: 'FORBIDDEN',
  unauthenticated: 'UNAUTHORIZED',
  rate_limited: 'TOO_MANY_REQUESTS',
}

/**
 * The one place domain errors become tRPC errors. Anything that is neither a TRPCError nor a domain
 * error is an internal fault: its message (which may hold Docker or SQL internals) never reaches the client.
 */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) {
    if (error.code !== 'INTERNAL_SERVER_ERROR') return error
    const cause = error.cause
    if (cause && cause !== error) {
      const mapped = toTRPCError(cause)
      if (mapped.code !== 'INTERNAL_SERVER_ERROR') return mapped
    }
    return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'internal error', cause: error })
  }
  const named = domainError(error)
  if (named) return new TRPCError({ code: named.code, message: named.message, cause: error })
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'internal error', cause: error })
}

/** Domain errors from the API (AppError), core (DecnetError) and db (typed repository errors). */
function domainError(error: unknown): { code: TRPC_ERROR_CODE_KEY; message: string } | null {
  if (error instanceof AppError || isDecnetError(error)) {
    return { code: TRPC_CODE_OF[error.code], message: error.message }
  }
  if (error instanceof ConflictError) return { code: 'CONFLICT', message: error.message }
  if (error instanceof NotFoundError) return { code: 'NOT_FOUND', message: error.message }
  if (error instanceof SearchQueryError) return { code: 'BAD_REQUEST', message: error.message }
  return null
}
