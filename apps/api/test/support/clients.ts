import { type ApiClient, createApiClient } from '../../src/cli/client.ts'
import type { ApiDoor } from './accounts.ts'

export type Client = ApiClient

/** A typed client exactly as the CLI builds it (Bearer token; SSE through the eventsource package). */
export const clientFor = createApiClient

/** The API at `url`, reached over HTTP with the CLI's client. */
export function httpDoor(url: string): ApiDoor<Client> {
  return {
    as: (token) => clientFor(url, token),
    signIn: async (username, password) =>
      (await clientFor(url).auth.login.mutate({ username, password })).token,
    changePassword: async (token, oldPassword, newPassword) =>
      (await clientFor(url, token).auth.changePassword.mutate({ oldPassword, newPassword })).token,
    createUser: async (admin, user) => (await admin.users.create.mutate(user)).id,
  }
}
