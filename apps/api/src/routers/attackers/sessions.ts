import { requireAttackerSessions } from '../../sessions/attacker-sessions.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZAttackerSessionsInput, ZAttackerSessionsOutput } from './sessions.types.ts'

export const attackerSessionsProcedure = viewerProcedure
  .input(ZAttackerSessionsInput)
  .output(ZAttackerSessionsOutput)
  .query(({ ctx, input }) => requireAttackerSessions(ctx.services.db, input.id, input.limit))
