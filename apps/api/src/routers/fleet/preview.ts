import { deckyLogins } from '@decnet/core'
import { planFleet } from '../../fleet/plan.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZPreviewInput, ZPreviewOutput } from './preview.types.ts'

/**
 * What fleet.deploy would do with this INI, or the error it would give; writes nothing. Returns the seed
 * of its draws: a deploy with that seed and this preview as `expected` commits exactly this plan.
 */
export const previewProcedure = adminProcedure
  .input(ZPreviewInput)
  .output(ZPreviewOutput)
  .query(async ({ ctx, input }) => {
    const { plan, seed } = await planFleet(ctx.services, input.ini, input.replaceFleet, input.seed)
    return {
      seed,
      create: plan.create.map(({ replaces: _replaces, ...decky }) => ({
        ...decky,
        logins: deckyLogins(decky.persona, decky.services, decky.serviceConfig),
      })),
      keep: plan.keep.map((decky) => decky.name),
      remove: plan.remove.map((decky) => decky.name),
    }
  })
