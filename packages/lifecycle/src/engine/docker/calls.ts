/** Every Docker call is bounded and its failure names the operation, so a dead daemon never hangs a caller. */

export class DockerCallError extends Error {
  constructor(
    readonly operation: string,
    message: string,
    readonly statusCode?: number,
  ) {
    super(`docker ${operation}: ${message}`)
    this.name = 'DockerCallError'
  }
}

type DockerodeError = Error & { statusCode?: number; json?: { message?: string } | null; code?: string }

function describe(error: unknown): { message: string; statusCode?: number } {
  if (!(error instanceof Error)) return { message: String(error) }
  const { statusCode, json, code } = error as DockerodeError
  const message =
    json?.message ?? (code && !error.message.includes(code) ? `${code} ${error.message}` : error.message)
  return statusCode === undefined ? { message } : { message, statusCode }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof DockerCallError && error.statusCode === 404
}

export function isConflict(error: unknown): boolean {
  return error instanceof DockerCallError && error.statusCode === 409
}

/** Runs `call`, failing with a readable `DockerCallError` after `timeoutMs` or on any daemon error. */
export async function dockerCall<T>(
  operation: string,
  timeoutMs: number,
  call: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DockerCallError(operation, `no answer from the Docker daemon within ${timeoutMs} ms`)),
      timeoutMs,
    )
  })
  try {
    return await Promise.race([call(), timeout])
  } catch (error) {
    if (error instanceof DockerCallError) throw error
    const { message, statusCode } = describe(error)
    throw new DockerCallError(operation, message, statusCode)
  } finally {
    clearTimeout(timer)
  }
}
