import { type DeckyRecord, deckySpecFor } from '../engine/spec.ts'
import type { DeckyEngine, NetworkContext } from '../engine/types.ts'
import type { LifecycleExecutor } from './runner.ts'

export type ExecutorOptions = {
  engine: DeckyEngine
  /** The decky as the `Decky` table has it now (undefined once it was removed from the fleet). */
  findDecky: (name: string) => Promise<DeckyRecord | undefined>
  /** The host's network context (subnet, gateway, driver, parent) from the configuration. */
  network: () => NetworkContext | Promise<NetworkContext>
}

/**
 * Maps a lifecycle row onto the engine: deploy/mutate converge the decky to its current row (so a
 * resumed or repeated row applies the latest desired state), teardown removes its containers.
 */
export function createLifecycleExecutor({ engine, findDecky, network }: ExecutorOptions): LifecycleExecutor {
  return async (row) => {
    if (row.operation === 'teardown') {
      await engine.teardown(row.deckyName)
      return
    }
    const decky = await findDecky(row.deckyName)
    if (!decky) throw new Error(`decky ${row.deckyName} is no longer in the fleet`)
    const spec = deckySpecFor(decky)
    const context = await network()
    await (row.operation === 'mutate' ? engine.mutate(spec, context) : engine.deploy(spec, context))
  }
}
