import { ARCHETYPES } from '@decnet/core'
import { viewerProcedure } from '../../trpc.ts'
import { ZListArchetypesInput, ZListArchetypesOutput } from './list-archetypes.types.ts'

export const listArchetypesProcedure = viewerProcedure
  .input(ZListArchetypesInput)
  .output(ZListArchetypesOutput)
  .query(() =>
    ARCHETYPES.map((archetype) => ({
      ...archetype,
      services: [...archetype.services],
      preferredDistros: [...archetype.preferredDistros],
    })),
  )
