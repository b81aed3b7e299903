import type { DecnetDatabase } from '@decnet/db'
import type { Bus } from '@decnet/lifecycle'
import type Docker from 'dockerode'
import type { ApiConfig } from './config.ts'
import type { ReconcilerHandle, RunnerHandle } from './context.ts'
import type { FleetNetwork } from './settings/network.ts'

export type WorkerDeps = {
  config: ApiConfig
  db: DecnetDatabase
  bus: Bus
  docker: Docker
  engine: 'docker' | 'local'
  defaultNetwork: FleetNetwork
  log: (line: string) => void
}

export type Workers = { runner: RunnerHandle; reconciler: ReconcilerHandle; stop(): Promise<void> }

// TODO(integration): wire the lifecycle runner, reconciler, collector and mutator.
export async function startWorkers(_deps: WorkerDeps): Promise<Workers> {
  return {
    runner: { wake: () => undefined },
    reconciler: { reapOrphans: async () => ({ containersRemoved: [], networksRemoved: [], errors: [] }) },
    stop: async () => undefined,
  }
}
