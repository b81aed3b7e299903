import type { HttpRequest } from '../../framework/http.ts'
import type { Fields } from '../../framework/tcp.ts'

export type HttpCredential = {
  username: string | null
  password: string
  /** plaintext | http_bearer | http_digest_md5 (DECNET's secret kinds). */
  kind: string
  source: 'authorization' | 'form'
}

const PRINCIPAL_KEYS = [
  'username',
  'user',
  'email',
  'login',
  'userid',
  'account',
  'log',
  'user_login',
  'uname',
  'pma_username',
  'j_username',
]
const SECRET_KEYS = [
  'password',
  'pass',
  'pwd',
  'passwd',
  'passwort',
  'mot_de_passe',
  'user_password',
  'pma_password',
  'j_password',
]

/**
 * Pulls credentials out of a request, whichever skin is showing: the Authorization header
 * (Basic, Bearer/Token, Digest) first, else a urlencoded form that carries a password field.
 */
export function extractCredential(request: HttpRequest): HttpCredential | undefined {
  const authorization = request.headers.authorization
  if (authorization) {
    const [scheme = '', ...rest] = authorization.trim().split(/\s+/)
    const value = rest.join(' ')
    switch (scheme.toLowerCase()) {
      case 'basic': {
        const decoded = Buffer.from(value, 'base64').toString('utf8')
        const colon = decoded.indexOf(':')
        return {
          username: colon === -1 ? decoded : decoded.slice(0, colon),
          password: colon === -1 ? '' : decoded.slice(colon + 1),
          kind: 'plaintext',
          source: 'authorization',
        }
      }
      case 'bearer':
      case 'token':
        return { username: null, password: value, kind: 'http_bearer', source: 'authorization' }
      case 'digest': {
        const parameter = (name: string) => new RegExp(`${name}="?([^",]*)"?`, 'i').exec(value)?.[1]
        return {
          username: parameter('username') ?? null,
          password: parameter('response') ?? '',
          kind: 'http_digest_md5',
          source: 'authorization',
        }
      }
    }
  }
  const contentType = String(request.headers['content-type'] ?? '')
  if (request.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(request.body)
    const secretKey = SECRET_KEYS.find((key) => form.has(key))
    if (!secretKey) return undefined
    const principalKey = PRINCIPAL_KEYS.find((key) => form.has(key))
    return {
      username: principalKey ? (form.get(principalKey) ?? null) : null,
      password: form.get(secretKey) ?? '',
      kind: 'plaintext',
      source: 'form',
    }
  }
  return undefined
}

/**
 * Logs the credential a request carries, if any, as a failed `auth_attempt` (the password marked
 * secret); `context` adds what the caller knows about the request after the credential's own fields.
 */
export function emitCredentialAttempt(
  request: HttpRequest,
  context: (credential: HttpCredential) => Fields,
): void {
  const credential = extractCredential(request)
  if (!credential) return
  request.session.emit(
    'auth_attempt',
    {
      username: credential.username,
      password: credential.password,
      kind: credential.kind,
      ...context(credential),
      success: false,
    },
    ['password'],
  )
}
