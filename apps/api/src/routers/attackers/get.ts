import { TRPCError } from '@trpc/server'
import { toLogOutput } from '../../logs/log-output.ts'
import { viewerProcedure } from '../../trpc.ts'
import { toAttackerOutput } from './attacker-output.ts'
import { ZGetAttackerInput, ZGetAttackerOutput } from './get.types.ts'

export const getAttackerProcedure = viewerProcedure
  .input(ZGetAttackerInput)
  .output(ZGetAttackerOutput)
  .query(async ({ ctx, input }) => {
    const detail = await ctx.services.db.attackers.get(input.id)
    if (!detail) throw new TRPCError({ code: 'NOT_FOUND', message: `no attacker with id ${input.id}` })
    const reveal = ctx.session.user.role === 'admin'
    return {
      ...toAttackerOutput(detail.attacker),
      credentials: detail.credentials.map((credential) => ({
        decky: credential.decky,
        service: credential.service,
        kind: credential.kind,
        username: credential.principal,
        secret: reveal ? credential.secret : '••••••••',
        count: credential.count,
        firstSeen: credential.firstSeen,
        lastSeen: credential.lastSeen,
      })),
      recentLogs: detail.recentLogs.map((row) => toLogOutput(row, reveal)),
    }
  })
