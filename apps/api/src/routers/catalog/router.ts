import { router } from '../../trpc.ts'
import { listArchetypesProcedure } from './list-archetypes.ts'
import { listDistrosProcedure } from './list-distros.ts'
import { listServicesProcedure } from './list-services.ts'
import { secretDefaultProcedure } from './secret-default.ts'

export const catalogRouter = router({
  services: listServicesProcedure,
  archetypes: listArchetypesProcedure,
  distros: listDistrosProcedure,
  secretDefault: secretDefaultProcedure,
})
