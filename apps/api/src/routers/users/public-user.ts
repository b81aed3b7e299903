import type { PublicUser, Role } from '@decnet/core'

type UserLike = {
  id: string
  username: string
  role: Role
  mustChangePassword: boolean
  createdAt: Date
}

/** The wire shape of a user: exactly API.md's PublicUser, dates as ISO strings. */
export function toPublicUserOutput(user: UserLike): PublicUser {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    mustChangePassword: user.mustChangePassword,
    createdAt: user.createdAt.toISOString(),
  }
}
