// auth.* and users.* shapes. PublicUser is deliberately minimal: output validation strips the rest.
import { z } from 'zod'
import { ZIsoDate } from './common.ts'

export const ZRole = z.enum(['admin', 'viewer'])
export type Role = z.infer<typeof ZRole>

export const ZUsername = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'usernames are 1-64 of A-Z a-z 0-9 _ . -')
/** bcrypt-style hashes only read 72 bytes; cap generously but bounded. */
export const ZPassword = z.string().min(1).max(256)
export const ZNewPassword = z.string().min(12, 'passwords need at least 12 characters').max(256)

export const ZPublicUser = z.object({
  id: z.string(),
  username: z.string(),
  role: ZRole,
  mustChangePassword: z.boolean(),
  createdAt: ZIsoDate,
})
export type PublicUser = z.infer<typeof ZPublicUser>

export const ZLoginRequest = z.object({ username: z.string().max(64), password: ZPassword }).strict()
export const ZLoginResponse = z.object({ user: ZPublicUser, token: z.string(), expiresAt: ZIsoDate })
export const ZChangePasswordRequest = z.object({ oldPassword: ZPassword, newPassword: ZNewPassword }).strict()
export const ZCreateUserRequest = z
  .object({ username: ZUsername, password: ZNewPassword, role: ZRole })
  .strict()
export const ZUserIdRequest = z.object({ id: z.string().min(1).max(128) }).strict()
export const ZSetRoleRequest = z.object({ id: z.string().min(1).max(128), role: ZRole }).strict()
export const ZResetPasswordRequest = z
  .object({ id: z.string().min(1).max(128), newPassword: ZNewPassword })
  .strict()
