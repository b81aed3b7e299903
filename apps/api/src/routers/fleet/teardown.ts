import { teardownDeckies } from '../../fleet/operate.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZTeardownInput, ZTeardownOutput } from './teardown.types.ts'

/** Removes the decky (or all) from the desired state; the runner removes their containers. */
export const teardownProcedure = adminProcedure
  .input(ZTeardownInput)
  .output(ZTeardownOutput)
  .mutation(({ ctx, input }) => teardownDeckies(ctx.services, input))
