import type { DecnetDatabase } from '@decnet/db'
import { type DeckyEngine, deckySpecFor, type LifecycleExecutor } from '@decnet/lifecycle'
import { type FleetNetwork, readFleetNetwork } from '../settings/network.ts'
import { toNetworkContext } from './network-context.ts'

/**
 * Runs one lifecycle row against the engine: each operation is an idempotent "make it so" on one
 * decky, so a row resumed after a crash simply runs again. The decky's recorded state follows.
 */
export function createExecutor(deps: {
  db: DecnetDatabase
  engine: DeckyEngine
  defaultNetwork: FleetNetwork
}): LifecycleExecutor {
  const { db, engine, defaultNetwork } = deps
  return async (row, signal) => {
    if (row.operation === 'teardown') {
      await engine.teardown(row.deckyName)
      return
    }
    const decky = await db.fleet.get(row.deckyName)
    // Removed from the desired state after this row was queued: its teardown row follows.
    if (!decky) return
    const network = toNetworkContext(await readFleetNetwork(db, defaultNetwork))
    try {
      const spec = deckySpecFor(decky)
      if (row.operation === 'deploy') await engine.deploy(spec, network)
      else await engine.mutate(spec, network)
      if (!signal.aborted) await db.fleet.setState(decky.name, 'running')
    } catch (error) {
      if (!signal.aborted) {
        const reason = error instanceof Error ? error.message : String(error)
        await db.fleet.setState(decky.name, 'failed', reason.slice(0, 2000))
      }
      throw error
    }
  }
}
