import { ZIncident } from '@decnet/core'
import { z } from 'zod'

/** An incident as operators see it: core's shape plus who resolved it (acknowledgedBy says who acknowledged). */
export const ZIncidentOutput = ZIncident.extend({ resolvedBy: z.string().nullable() })
