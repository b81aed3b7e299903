// Reads the tRPC error shape without depending on a class instance (errors cross the query cache).

type MaybeTrpcError = { message?: unknown; data?: { code?: unknown; httpStatus?: unknown } | null }

/** The tRPC error code (UNAUTHORIZED, CONFLICT, ...) if the error carries one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const code = (error as MaybeTrpcError).data?.code
  return typeof code === 'string' ? code : undefined
}

export function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const message = (error as MaybeTrpcError).message
    if (typeof message === 'string' && message.length > 0) return message
  }
  return String(error)
}
