// The artifact gateway as the API process runs it, for tests: a migrated SQLite database in `dataDir`,
// the content-addressed store beside it, and the gateway on its Unix socket.
import { join } from 'node:path'
import { createDatabase, type DecnetDatabase, migrate } from '@decnet/db'
import {
  type ArtifactGateway,
  type ArtifactStore,
  artifactPaths,
  createArtifactStore,
  deckyToken,
  type Fetcher,
  gatewayKey,
  startArtifactGateway,
} from '../../src/index.ts'

export type TestGateway = {
  store: ArtifactStore
  db: DecnetDatabase
  gateway: ArtifactGateway
  /** The token a decky's decoys present (the Docker engine hands it to each service container). */
  tokenFor(decky: string): string
  close(): Promise<void>
}

/** Starts the gateway with the fetcher `fetcherFor` makes on its store. */
export async function startTestGateway(
  dataDir: string,
  fetcherFor: (store: ArtifactStore) => Fetcher,
): Promise<TestGateway> {
  const paths = artifactPaths(dataDir)
  const store = createArtifactStore(paths.storeDir)
  const url = `file:${join(dataDir, 'decnet.db')}`
  await migrate(url)
  const db = createDatabase(url)
  const gateway = await startArtifactGateway({ paths, db, store, fetcher: fetcherFor(store) })
  return {
    store,
    db,
    gateway,
    tokenFor: (decky) => deckyToken(gatewayKey(paths), decky),
    close: async () => {
      await gateway.close()
      await db.close()
    },
  }
}
