import { adminProcedure } from '../../trpc.ts'
import { toApiTokenOutput } from './api-token-output.ts'
import { ZListApiTokensInput, ZListApiTokensOutput } from './list.types.ts'

export const listApiTokensProcedure = adminProcedure
  .input(ZListApiTokensInput)
  .output(ZListApiTokensOutput)
  .query(async ({ ctx }) => (await ctx.services.db.apiTokens.list()).map(toApiTokenOutput))
