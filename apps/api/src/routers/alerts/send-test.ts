import { sendTestAlert } from '../../alerts/channels.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZSendTestInput, ZSendTestOutput } from './send-test.types.ts'

/** Enqueues a test alert for one channel (no network call here). */
export const sendTestProcedure = adminProcedure
  .input(ZSendTestInput)
  .output(ZSendTestOutput)
  .mutation(({ ctx, input }) => sendTestAlert(ctx.services, input.id))
