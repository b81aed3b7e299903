import { TRPCError } from '@trpc/server'
import { toLogOutput } from '../../logs/log-output.ts'
import { MASK, maskTextForViewer } from '../../logs/secret-mask.ts'
import { viewerProcedure } from '../../trpc.ts'
import { toAttackerOutput } from './attacker-output.ts'
import { RECENT_LOGS, ZGetAttackerInput, ZGetAttackerOutput } from './get.types.ts'

export const getAttackerProcedure = viewerProcedure
  .input(ZGetAttackerInput)
  .output(ZGetAttackerOutput)
  .query(async ({ ctx, input }) => {
    const detail = await ctx.services.db.attackers.get(input.id, {
      recentLogs: RECENT_LOGS,
      credentialLimit: input.credentialLimit,
      ...(input.credentialCursor ? { credentialCursor: input.credentialCursor } : {}),
    })
    if (!detail) throw new TRPCError({ code: 'NOT_FOUND', message: `no attacker with id ${input.id}` })
    const reveal = ctx.session.user.role === 'admin'
    return {
      ...toAttackerOutput(detail.attacker),
      commands: reveal ? detail.attacker.commands : detail.attacker.commands.map(maskTextForViewer),
      credentials: detail.credentials.map((credential) => ({
        decky: credential.decky,
        service: credential.service,
        kind: credential.kind,
        username: credential.principal,
        secret: reveal ? credential.secret : MASK,
        count: credential.count,
        firstSeen: credential.firstSeen,
        lastSeen: credential.lastSeen,
      })),
      credentialTotal: detail.credentialTotal,
      ...(detail.credentialsNextCursor ? { credentialsNextCursor: detail.credentialsNextCursor } : {}),
      recentLogs: detail.recentLogs.map((row) => toLogOutput(row, reveal)),
      moreLogs: detail.attacker.eventCount > detail.recentLogs.length,
    }
  })
