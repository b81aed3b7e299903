import { activeOperations, hostNames, toDeckyOutput } from '../../fleet/decky-output.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZListFleetInput, ZListFleetOutput } from './list.types.ts'

export const listFleetProcedure = viewerProcedure
  .input(ZListFleetInput)
  .output(ZListFleetOutput)
  .query(async ({ ctx }) => {
    const { db, localAddressOf } = ctx.services
    const [deckies, names, active] = await Promise.all([db.fleet.list(), hostNames(db), activeOperations(db)])
    return deckies.map((decky) => toDeckyOutput(decky, names, active, localAddressOf(decky.name)))
  })
