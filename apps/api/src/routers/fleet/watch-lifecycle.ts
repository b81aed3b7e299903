import { viewerStreamProcedure } from '../../auth/session-watch.ts'
import { watchLifecycleRows } from '../../fleet/lifecycle-stream.ts'
import { ZWatchLifecycleInput, ZWatchLifecycleOutput } from './watch-lifecycle.types.ts'

/** The watched lifecycle rows, then every transition until all are terminal; resumable (fleet/lifecycle-stream.ts). */
export const watchLifecycleProcedure = viewerStreamProcedure
  .input(ZWatchLifecycleInput)
  .output(ZWatchLifecycleOutput)
  .subscription(({ ctx, input, signal }) => watchLifecycleRows(ctx.services, input, signal))
