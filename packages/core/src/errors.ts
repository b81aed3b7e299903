// One typed error for every domain failure. Callers map `code` to a transport status (the API's one
// table is apps/api/src/errors.ts) instead of inspecting messages, so nothing surfaces as a generic 500.

export const DECNET_ERROR_CODES = [
  'invalid_ini',
  'invalid_input',
  'conflict',
  'not_found',
  'limit_exceeded',
] as const
export type DecnetErrorCode = (typeof DECNET_ERROR_CODES)[number]

/** Where in an INI document an error was found; every field optional because not all errors have all. */
export interface IniLocation {
  line?: number
  section?: string
  key?: string
}

export class DecnetError extends Error {
  override readonly name = 'DecnetError'
  readonly code: DecnetErrorCode
  readonly location: IniLocation | undefined

  constructor(code: DecnetErrorCode, message: string, location?: IniLocation) {
    super(message)
    this.code = code
    this.location = location
  }
}

export function isDecnetError(value: unknown): value is DecnetError {
  return value instanceof DecnetError
}

const MAX_ECHO = 64

/** Clips user-supplied text echoed in messages so a 20 KB value cannot make a 20 KB error. */
export function clip(text: string, max = MAX_ECHO): string {
  return text.length > max ? `${text.slice(0, max)}…(+${text.length - max} chars)` : text
}

/** A user-supplied value as it appears in messages: quoted and clipped. */
export function quote(text: string): string {
  return `'${clip(text)}'`
}

/** Formats "line 7, [decky-01] ip: reason" so every INI error names where it happened. */
export function describeLocation(location: IniLocation): string {
  const parts: string[] = []
  if (location.line !== undefined) parts.push(`line ${location.line}`)
  let where = ''
  if (location.section !== undefined) where += `[${clip(location.section)}]`
  if (location.key !== undefined) where += `${where ? ' ' : ''}${clip(location.key)}`
  if (where) parts.push(where)
  return parts.join(', ')
}

export function iniError(location: IniLocation, reason: string): DecnetError {
  const prefix = describeLocation(location)
  return new DecnetError('invalid_ini', prefix ? `${prefix}: ${reason}` : reason, location)
}
