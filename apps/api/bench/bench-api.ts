// What every API benchmark shares: a real server process of its own and an admin client on it.
import { readyAdmin } from '../test/support/accounts.ts'
import type { Client } from '../test/support/clients.ts'
import { startServerProcess } from '../test/support/server.ts'

/** `url`: the API's base URL (its /metrics, raw HTTP). */
type BenchApi = { admin: Client; url: string; pid: number; dataDir: string; output: () => string }

/** The p-th percentile (nearest rank) of `values`; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

/**
 * Runs `bench` against a fresh API server process (its env: engine, subnet, gateway …) signed in as
 * the admin, with the deployment limit raised when asked; the server is stopped whatever happens.
 */
export async function withBenchApi(
  env: Record<string, string>,
  options: { deploymentLimit?: number },
  bench: (api: BenchApi) => Promise<void>,
): Promise<void> {
  const api = await startServerProcess(env)
  try {
    const { client: admin } = await readyAdmin(api)
    if (options.deploymentLimit !== undefined) {
      await admin.config.setDeploymentLimit.mutate({ deploymentLimit: options.deploymentLimit })
    }
    await bench({ admin, url: api.url, pid: api.pid, dataDir: api.dataDir, output: api.output })
  } finally {
    await api.stop()
  }
}
