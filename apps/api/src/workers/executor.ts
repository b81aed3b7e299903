import { LOCAL_HOST_ID, type Persona, personaForLegacyDecky } from '@decnet/core'
import type { Decky, DecnetDatabase } from '@decnet/db'
import {
  type DeckyEngine,
  deckySpecFor,
  type LifecycleExecutor,
  type NetworkContext,
} from '@decnet/lifecycle'

/**
 * Runs one lifecycle row against a host's engine: each operation is an idempotent "make it so" on one
 * decky, so a row resumed after a crash simply runs again. The decky's recorded state follows.
 * `network` is the host's decky network, read per row (the local one changes with the fleet INI).
 */
export function createExecutor(deps: {
  db: DecnetDatabase
  engine: DeckyEngine
  network: () => Promise<NetworkContext>
}): LifecycleExecutor {
  const { db, engine } = deps
  return async (row, signal) => {
    if (row.operation === 'teardown') {
      await engine.teardown(row.deckyName)
      // Kept as pending_removal while its host did not answer: its containers are gone now.
      await db.fleet.deletePendingRemoval(row.deckyName, row.hostId ?? LOCAL_HOST_ID)
      return
    }
    const decky = await db.fleet.get(row.deckyName)
    // Removed from the desired state after this row was queued: its teardown row (or sweep) follows.
    if (!decky || decky.state === 'pending_removal') return
    // Torn down and created again on another host meanwhile: that host's own row deploys it.
    if ((row.hostId ?? LOCAL_HOST_ID) !== decky.hostId) {
      throw new Error(`superseded: ${decky.name} now lives on another host, whose own operation deploys it`)
    }
    try {
      const spec = deckySpecFor({
        ...decky,
        persona: decky.persona ?? (await storePersona(db, decky)),
        // Read per operation: a mutation or repair recreates the decoys with the drops of now.
        fileDrops: await db.fileDrops.list(decky.name),
      })
      const network = await deps.network()
      // A repair is a deploy of the recorded spec: converging recreates whatever is exited, missing
      // or off its network (a new base takes its services with it) and probes readiness again.
      // A service edit converges like a mutation: only the changed services' containers move.
      if (row.operation === 'mutate' || row.operation === 'edit_services')
        await engine.mutate(spec, network, { signal })
      else await engine.deploy(spec, network, { signal })
      if (!signal.aborted) await db.fleet.setState(decky.name, 'running')
    } catch (error) {
      if (!signal.aborted) {
        const reason = error instanceof Error ? error.message : String(error)
        // A failed repair leaves the decky degraded (the reconciler's next attempt, or its giving
        // up, follows); a failed deploy/mutate is that operation's verdict.
        if (row.operation === 'repair')
          await db.fleet.setState(decky.name, 'degraded', `repair failed: ${reason}`.slice(0, 2000))
        else await db.fleet.setState(decky.name, 'failed', reason.slice(0, 2000))
      }
      throw error
    }
  }
}

/**
 * A decky from before personas gets one on its first deploy: derived from its name (so a retry
 * derives the same), in the fleet's AD domain, keeping its host name and MAC, and stored.
 */
async function storePersona(db: DecnetDatabase, decky: Decky): Promise<Persona> {
  const fleet = await db.fleet.list()
  const domain =
    fleet.find((other) => other.persona?.domain)?.persona?.domain ??
    // No persona in the fleet yet: the first decky's name decides, the same for every decky of it.
    personaForLegacyDecky({ ...(fleet[0] ?? decky), services: [] }).domain
  return db.fleet.ensurePersona(decky.name, personaForLegacyDecky(decky, domain))
}
