// Artifacts as the API shows them: metadata to every signed-in user, the bytes to admins only (over
// ARTIFACT_FILES_PATH, as an attachment). Reads only: the artifact gateway worker writes.
import type { DecnetDatabase } from '@decnet/db'
import { AppError } from '../app-error.ts'

/** Where an admin downloads an artifact's bytes: `GET /artifact-files/<sha256>`. */
export const ARTIFACT_FILES_PATH = '/artifact-files/'

export const MAX_ARTIFACT_LIST = 200

export async function listArtifacts(
  db: Pick<DecnetDatabase, 'artifacts'>,
  input: { limit: number; before?: string | undefined },
) {
  const rows = await db.artifacts.list({
    limit: input.limit,
    ...(input.before ? { before: new Date(input.before) } : {}),
  })
  return { rows, nextBefore: rows.length === input.limit ? (rows.at(-1)?.lastSeen ?? null) : null }
}

export async function requireArtifact(db: Pick<DecnetDatabase, 'artifacts'>, sha256: string, admin: boolean) {
  const found = await db.artifacts.get(sha256)
  if (!found) throw new AppError('not_found', `no artifact ${sha256}`)
  const { seen, ...artifact } = found
  return {
    artifact,
    seen: seen.map(({ sha256: _, ...sighting }) => sighting),
    downloadPath: admin ? `${ARTIFACT_FILES_PATH}${sha256}` : null,
  }
}
