import { listChannels } from '../../alerts/channels.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZListChannelsInput, ZListChannelsOutput } from './list-channels.types.ts'

export const listChannelsProcedure = viewerProcedure
  .input(ZListChannelsInput)
  .output(ZListChannelsOutput)
  .query(({ ctx }) => listChannels(ctx.services, ctx.session.user.role === 'admin'))
