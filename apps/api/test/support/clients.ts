import { type ApiClient, createApiClient } from '../../src/cli/client.ts'
import { ADMIN_PASSWORD } from './server.ts'

export type Client = ApiClient

/** A typed client exactly as the CLI builds it (Bearer token; SSE through the eventsource package). */
export const clientFor = createApiClient

export async function login(
  url: string,
  username: string,
  password: string,
): Promise<{ client: Client; token: string }> {
  const { token } = await clientFor(url).auth.login.mutate({ username, password })
  return { client: clientFor(url, token), token }
}

export const NEW_ADMIN_PASSWORD = 'admin-password-changed-1'

/** Signs in as the bootstrap admin and completes the forced password change. */
export async function readyAdmin(url: string): Promise<{ client: Client; token: string }> {
  const first = await login(url, 'admin', ADMIN_PASSWORD)
  const { token } = await first.client.auth.changePassword.mutate({
    oldPassword: ADMIN_PASSWORD,
    newPassword: NEW_ADMIN_PASSWORD,
  })
  return { client: clientFor(url, token), token }
}

/** Creates a user as `admin` and returns a client signed in as them with their password changed. */
export async function readyUser(
  url: string,
  admin: Client,
  username: string,
  role: 'admin' | 'viewer',
): Promise<{ client: Client; token: string; id: string }> {
  const initial = `${username}-initial-pw-1`
  const created = await admin.users.create.mutate({ username, password: initial, role })
  const first = await login(url, username, initial)
  const { token } = await first.client.auth.changePassword.mutate({
    oldPassword: initial,
    newPassword: `${username}-changed-pw-1`,
  })
  return { client: clientFor(url, token), token, id: created.id }
}

/** The tRPC error code of a rejected call (or 'OK'). */
export async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call
    return 'OK'
  } catch (error) {
    const data = (error as { data?: { code?: string } }).data
    return data?.code ?? `UNKNOWN: ${String(error)}`
  }
}
