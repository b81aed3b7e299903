// intel.* procedures of the correlation work (credential reuse, identities, campaigns): spread into
// the intel router beside the other intelligence procedures.
import { campaignsProcedure } from './campaigns.ts'
import { credentialsProcedure } from './credentials.ts'
import { identitiesProcedure } from './identities.ts'

export const correlationProcedures = {
  credentials: credentialsProcedure,
  identities: identitiesProcedure,
  campaigns: campaignsProcedure,
}
