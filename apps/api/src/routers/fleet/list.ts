import { deckyHosts, toDeckyOutput } from '../../fleet/decky-output.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZListFleetInput, ZListFleetOutput } from './list.types.ts'

export const listFleetProcedure = viewerProcedure
  .input(ZListFleetInput)
  .output(ZListFleetOutput)
  .query(async ({ ctx }) => {
    const { db, localAddressOf } = ctx.services
    const [deckies, names] = await Promise.all([db.fleet.list(), deckyHosts(db)])
    return deckies.map((decky) => toDeckyOutput(decky, names, localAddressOf(decky.name)))
  })
