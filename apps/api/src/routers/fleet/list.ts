import { activeOperations, deckyHosts, toDeckyOutput } from '../../fleet/decky-output.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZListFleetInput, ZListFleetOutput } from './list.types.ts'

export const listFleetProcedure = viewerProcedure
  .input(ZListFleetInput)
  .output(ZListFleetOutput)
  .query(async ({ ctx }) => {
    const { db, localAddressOf } = ctx.services
    const [deckies, hosts, active] = await Promise.all([
      db.fleet.list(),
      deckyHosts(db),
      activeOperations(db),
    ])
    return deckies.map((decky) => toDeckyOutput(decky, hosts, active, localAddressOf(decky.name)))
  })
