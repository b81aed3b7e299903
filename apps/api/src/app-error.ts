/**
 * What the API's own rules refuse, by kind. Core's DecnetError (INI, planning, allocation) keeps its
 * codes; these add the ones only the application has: a missing precondition (configuration), acting
 * beyond one's rights, bad credentials, and a rate limit. errors.ts maps every code to a tRPC code.
 */
export const APP_ERROR_CODES = [
  'invalid_input',
  'not_found',
  'conflict',
  'precondition_failed',
  'forbidden',
  'unauthenticated',
  'rate_limited',
] as const
export type AppErrorCode = (typeof APP_ERROR_CODES)[number]

/** A refusal whose message is written for the operator and shown to the client as it is. */
export class AppError extends Error {
  override readonly name = 'AppError'

  constructor(
    readonly code: AppErrorCode,
    message: string,
  ) {
    super(message)
  }
}
