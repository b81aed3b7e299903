import { imagesStatus } from '../../images/images-view.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZImagesStatusInput, ZImagesStatusOutput } from './status.types.ts'

/** The decoy image on this machine, the image each host runs, and the recent pushes and rollouts. */
export const imagesStatusProcedure = adminProcedure
  .input(ZImagesStatusInput)
  .output(ZImagesStatusOutput)
  .query(({ ctx, input }) => imagesStatus(ctx.services, input.hostId))
