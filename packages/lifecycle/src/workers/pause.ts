import { type PausableWorker, workerPausedSettingKey } from '@decnet/core'

type Settings = { get(key: string): Promise<unknown> }

/** Whether an operator paused this worker (a setting, so every process and every restart agrees). */
export async function isWorkerPaused(settings: Settings, worker: PausableWorker): Promise<boolean> {
  return (await settings.get(workerPausedSettingKey(worker))) === true
}
