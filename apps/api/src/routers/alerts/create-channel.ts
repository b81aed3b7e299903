import { createChannel } from '../../alerts/channels.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZCreateChannelInput, ZCreateChannelOutput } from './create-channel.types.ts'

/** Validates the kind's settings, refuses forbidden targets (SSRF guard), seals the secrets. */
export const createChannelProcedure = adminProcedure
  .input(ZCreateChannelInput)
  .output(ZCreateChannelOutput)
  .mutation(({ ctx, input }) => createChannel(ctx.services, input))
