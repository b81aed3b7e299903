export const SESSION_COOKIE = 'decnet_session'

/** What a Cookie header says about one cookie: absent, a value, or present but undecodable. */
export type CookieReading = { kind: 'absent' } | { kind: 'value'; value: string } | { kind: 'malformed' }

/**
 * Reads one cookie from a Cookie header without trusting its shape: a value that is not valid
 * percent-encoding (`%`, `%zz`) is reported as malformed instead of throwing. The first cookie of
 * that name wins, as browsers send the most specific one first.
 */
export function readCookie(header: string | undefined, name: string): CookieReading {
  if (!header) return { kind: 'absent' }
  for (const part of header.split(';')) {
    const index = part.indexOf('=')
    if (index === -1 || part.slice(0, index).trim() !== name) continue
    try {
      return { kind: 'value', value: decodeURIComponent(part.slice(index + 1).trim()) }
    } catch {
      return { kind: 'malformed' }
    }
  }
  return { kind: 'absent' }
}

/** httpOnly + SameSite=Strict: scripts cannot read it and other sites cannot make the browser send it. */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000))
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAge}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ')
}

export function clearedSessionCookie(secure: boolean): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    'Max-Age=0',
    ...(secure ? ['Secure'] : []),
  ].join('; ')
}
