// Typed errors the API maps to tRPC codes. Messages name the offending thing and never leak SQL.

/** A write clashes with existing state (tRPC CONFLICT). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError'
  readonly code = 'CONFLICT'
  constructor(
    message: string,
    /** Names/IPs that clashed, for clients that want to highlight them. */
    readonly conflicts: readonly string[] = [],
  ) {
    super(message)
  }
}

/** The thing addressed does not exist (tRPC NOT_FOUND). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError'
  readonly code = 'NOT_FOUND'
}

/** A malformed search query (tRPC BAD_REQUEST). `position` is the 0-based offset in the query. */
export class SearchQueryError extends Error {
  override readonly name = 'SearchQueryError'
  readonly code = 'BAD_REQUEST'
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message)
  }
}

/** True for a unique-constraint violation from either database, whether raised by a model call or raw SQL. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const code = (error as { code?: unknown }).code
  if (code === 'P2002') return true
  if (code !== 'P2010') return false
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } }).meta
  return meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation'
}
