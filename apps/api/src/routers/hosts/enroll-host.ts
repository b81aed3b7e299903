import { enrollHost } from '../../hosts/enroll.ts'
import { toHostOutput } from '../../hosts/host-output.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZEnrollHostInput, ZEnrollHostOutput } from './enroll-host.types.ts'

/** Enrolls a Docker Engine listening with --tlsverify (rules: hosts/enroll.ts). */
export const enrollHostProcedure = adminProcedure
  .input(ZEnrollHostInput)
  .output(ZEnrollHostOutput)
  .mutation(async ({ ctx, input }) => {
    const { host, engine } = await enrollHost(ctx.services, input)
    return { ...toHostOutput(host, 0), engine }
  })
