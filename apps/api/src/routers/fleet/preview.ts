import { planFleet } from '../../fleet/plan.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZPreviewInput, ZPreviewOutput } from './preview.types.ts'

/** What fleet.deploy would do with this INI, or the error it would give; writes nothing. */
export const previewProcedure = adminProcedure
  .input(ZPreviewInput)
  .output(ZPreviewOutput)
  .query(async ({ ctx, input }) => {
    const { plan } = await planFleet(ctx.services, input.ini, input.replaceFleet)
    return {
      create: plan.create.map(({ replaces: _replaces, ...decky }) => decky),
      keep: plan.keep.map((decky) => decky.name),
      remove: plan.remove.map((decky) => decky.name),
    }
  })
