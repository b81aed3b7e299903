import { removeChannel } from '../../alerts/channels.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZRemoveChannelInput, ZRemoveChannelOutput } from './remove-channel.types.ts'

/** Removes a channel and its deliveries. */
export const removeChannelProcedure = adminProcedure
  .input(ZRemoveChannelInput)
  .output(ZRemoveChannelOutput)
  .mutation(({ ctx, input }) => removeChannel(ctx.services, input.id))
