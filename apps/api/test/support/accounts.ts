import { TRPCError } from '@trpc/server'

// The account set-up every API test starts with (sign in, the forced password change, a second
// user), written once for both ways a test reaches the API: in process or over HTTP.

export const ADMIN_PASSWORD = 'first-admin-password-1'
export const NEW_ADMIN_PASSWORD = 'admin-password-changed-1'

type NewUser = { username: string; password: string; role: 'admin' | 'viewer' }

/** How a test reaches one API; `C` is what it calls procedures on (an in-process caller or an HTTP client). */
export interface ApiDoor<C> {
  /** Calls as the holder of `token` (none: anonymous). */
  as(token?: string): C
  signIn(username: string, password: string): Promise<string>
  changePassword(token: string, oldPassword: string, newPassword: string): Promise<string>
  createUser(admin: C, user: NewUser): Promise<string>
}

export type SignedIn<C> = { client: C; token: string }

export async function login<C>(api: ApiDoor<C>, username: string, password: string): Promise<SignedIn<C>> {
  const token = await api.signIn(username, password)
  return { client: api.as(token), token }
}

/** Signs in as the bootstrap admin and completes the forced password change. */
export async function readyAdmin<C>(api: ApiDoor<C>): Promise<SignedIn<C>> {
  const first = await api.signIn('admin', ADMIN_PASSWORD)
  const token = await api.changePassword(first, ADMIN_PASSWORD, NEW_ADMIN_PASSWORD)
  return { client: api.as(token), token }
}

/** Creates a user as `admin`, signed in with the password changed to `<username>-changed-pw-1`. */
export async function readyUser<C>(
  api: ApiDoor<C>,
  admin: C,
  username: string,
  role: 'admin' | 'viewer',
): Promise<SignedIn<C> & { id: string }> {
  const initial = `${username}-initial-pw-1`
  const id = await api.createUser(admin, { username, password: initial, role })
  const first = await api.signIn(username, initial)
  const token = await api.changePassword(first, initial, `${username}-changed-pw-1`)
  return { client: api.as(token), token, id }
}

/**
 * The tRPC error code of a rejected call (or 'OK'): a TRPCError's own `code` in process, the
 * client error's `data.code` over HTTP.
 */
export async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call
    return 'OK'
  } catch (error) {
    if (error instanceof TRPCError) return error.code
    return (error as { data?: { code?: string } }).data?.code ?? `UNKNOWN: ${String(error)}`
  }
}

/** The message of a rejected call (or 'OK'). */
export function messageOf(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'OK',
    (error: Error) => error.message,
  )
}
