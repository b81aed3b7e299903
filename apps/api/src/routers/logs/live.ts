import { viewerStreamProcedure } from '../../auth/session-watch.ts'
import { liveLogs } from '../../logs/live-feed.ts'
import { revealsSecrets } from '../../logs/secret-mask.ts'
import { ZLiveLogsInput, ZLiveLogsOutput } from './live.types.ts'

/** New log rows matching `q` as they are ingested; resumable by Last-Event-ID (logs/live-feed.ts). */
export const liveLogsProcedure = viewerStreamProcedure
  .input(ZLiveLogsInput)
  .output(ZLiveLogsOutput)
  .subscription(({ ctx, input, signal }) =>
    liveLogs(ctx.services, input, revealsSecrets(ctx.session.user), signal),
  )
