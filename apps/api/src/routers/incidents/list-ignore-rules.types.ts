import { ZIgnoreRule } from '@decnet/core'
import { z } from 'zod'

/** Rules are few (each is written by an admin); the list is returned whole, bounded. */
export const MAX_IGNORE_RULES = 1000

export const ZListIgnoreRulesOutput = z.array(ZIgnoreRule).max(MAX_IGNORE_RULES)
