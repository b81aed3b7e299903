import { router } from '../../trpc.ts'
import { iocsProcedure } from './iocs.ts'
import { navigatorLayerProcedure } from './navigator-layer.ts'
import { techniquesProcedure } from './techniques.ts'

/** Fleet-wide attacker intelligence: ATT&CK techniques (and their Navigator layer), indicators. */
export const intelRouter = router({
  techniques: techniquesProcedure,
  navigatorLayer: navigatorLayerProcedure,
  iocs: iocsProcedure,
})
