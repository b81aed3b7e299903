import { ZIgnoreRule, ZIgnoreRuleRequest } from '@decnet/core'

export const ZAddIgnoreRuleInput = ZIgnoreRuleRequest
export const ZAddIgnoreRuleOutput = ZIgnoreRule
