import { revealsSecrets } from '../../logs/secret-mask.ts'
import { requireRecording } from '../../sessions/recording.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZGetSessionInput, ZGetSessionOutput } from './get.types.ts'

export const getSessionProcedure = viewerProcedure
  .input(ZGetSessionInput)
  .output(ZGetSessionOutput)
  .query(({ ctx, input }) => requireRecording(ctx.services.db, input.id, revealsSecrets(ctx.session.user)))
