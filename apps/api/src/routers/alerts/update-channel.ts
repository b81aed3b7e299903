import { updateChannel } from '../../alerts/channels.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZUpdateChannelInput, ZUpdateChannelOutput } from './update-channel.types.ts'

/** Changes a channel; its breaker closes and waiting retries become due (new settings, fresh try). */
export const updateChannelProcedure = adminProcedure
  .input(ZUpdateChannelInput)
  .output(ZUpdateChannelOutput)
  .mutation(({ ctx, input }) => updateChannel(ctx.services, input))
