import { router } from '../../trpc.ts'
import { changePasswordProcedure } from './change-password.ts'
import { loginProcedure } from './login.ts'
import { logoutProcedure } from './logout.ts'
import { meProcedure } from './me.ts'
import { sessionProcedure } from './session.ts'

export const authRouter = router({
  login: loginProcedure,
  logout: logoutProcedure,
  me: meProcedure,
  session: sessionProcedure,
  changePassword: changePasswordProcedure,
})
