import { revokeApiToken } from '../../auth/api-tokens.ts'
import { adminProcedure } from '../../trpc.ts'
import { toApiTokenOutput } from './api-token-output.ts'
import { ZRevokeApiTokenInput, ZRevokeApiTokenOutput } from './revoke.types.ts'

export const revokeApiTokenProcedure = adminProcedure
  .input(ZRevokeApiTokenInput)
  .output(ZRevokeApiTokenOutput)
  .mutation(async ({ ctx, input }) => toApiTokenOutput(await revokeApiToken(ctx.services, input.id)))
