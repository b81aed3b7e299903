import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'

/** Deletes every log, credential and attacker: a developer's reset, refused outside developer mode. */
export async function purgeTelemetry(services: Pick<ApiServices, 'db' | 'config'>) {
  if (!services.config.developerMode) {
    throw new AppError(
      'precondition_failed',
      'purging telemetry needs developer mode (DECNET_DEVELOPER_MODE=1)',
    )
  }
  return services.db.logs.purge()
}
