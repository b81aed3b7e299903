import { createApiToken } from '../../auth/api-tokens.ts'
import { adminProcedure } from '../../trpc.ts'
import { toApiTokenOutput } from './api-token-output.ts'
import { ZCreateApiTokenInput, ZCreateApiTokenOutput } from './create.types.ts'

export const createApiTokenProcedure = adminProcedure
  .input(ZCreateApiTokenInput)
  .output(ZCreateApiTokenOutput)
  .mutation(async ({ ctx, input }) => {
    const { token, row } = await createApiToken(ctx.services, input, ctx.session.user.username)
    return { token, apiToken: toApiTokenOutput(row) }
  })
