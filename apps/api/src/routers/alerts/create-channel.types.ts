import { ZChannel, ZChannelCreate } from '@decnet/core'

export const ZCreateChannelInput = ZChannelCreate
export const ZCreateChannelOutput = ZChannel
