import { DECNET_ERROR_TRPC_CODE, isDecnetError } from '@decnet/core'
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

/** Domain errors from core (DecnetError) and db (errors that carry a `code` from the same vocabulary). */
function domainError(error: unknown): { code: TrpcCode; message: string } | null {
  if (isDecnetError(error)) return { code: DECNET_ERROR_TRPC_CODE[error.code], message: error.message }
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    const code = DB_ERROR_TRPC_CODE[error.code]
    if (code) return { code, message: error.message }
  }
  return null
}

const DB_ERROR_TRPC_CODE: Record<string, TrpcCode | undefined> = {
  conflict: 'CONFLICT',
  not_found: 'NOT_FOUND',
  invalid_query: 'BAD_REQUEST',
  invalid_input: 'BAD_REQUEST',
}
