import { AppError } from '../../src/app-error.ts'

/** What a domain function refused with: its AppError code and message (anything else fails the test). */
export async function refusal(promise: Promise<unknown>): Promise<[string, string]> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  )
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`)
  return [error.code, error.message]
}
