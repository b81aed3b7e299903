import { router } from '../../trpc.ts'
import { createUserProcedure } from './create-user.ts'
import { deleteUserProcedure } from './delete-user.ts'
import { listUsersProcedure } from './list-users.ts'
import { resetPasswordProcedure } from './reset-password.ts'
import { setRoleProcedure } from './set-role.ts'

export const usersRouter = router({
  list: listUsersProcedure,
  create: createUserProcedure,
  delete: deleteUserProcedure,
  setRole: setRoleProcedure,
  resetPassword: resetPasswordProcedure,
})
