import { DECNET_ERROR_TRPC_CODE, isDecnetError } from '@decnet/core'
import { ConflictError, NotFoundError, SearchQueryError } from '@decnet/db'
import { TRPCError } from '@trpc/server'

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

type TrpcCode = 'BAD_REQUEST' | 'CONFLICT' | 'NOT_FOUND'

/** Domain errors from core (DecnetError) and db (typed repository errors). */
function domainError(error: unknown): { code: TrpcCode; message: string } | null {
  if (isDecnetError(error)) return { code: DECNET_ERROR_TRPC_CODE[error.code], message: error.message }
  if (error instanceof ConflictError) return { code: 'CONFLICT', message: error.message }
  if (error instanceof NotFoundError) return { code: 'NOT_FOUND', message: error.message }
  if (error instanceof SearchQueryError) return { code: 'BAD_REQUEST', message: error.message }
  return null
}
