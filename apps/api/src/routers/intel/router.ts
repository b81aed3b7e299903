import { router } from '../../trpc.ts'
import { correlationProcedures } from './correlation.ts'
import { iocsProcedure } from './iocs.ts'
import { navigatorLayerProcedure } from './navigator-layer.ts'
import { techniquesProcedure } from './techniques.ts'

/**
 * Fleet-wide attacker intelligence: ATT&CK techniques (and their Navigator layer), indicators, and
 * the correlation's credential reuse, identities and campaigns.
 */
export const intelRouter = router({
  techniques: techniquesProcedure,
  navigatorLayer: navigatorLayerProcedure,
  iocs: iocsProcedure,
  ...correlationProcedures,
})
