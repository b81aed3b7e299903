// Artifacts: content-addressed bytes attackers fetched or sent (prisma/domains/artifacts.prisma).
// The bytes live in the artifact store under the data dir (packages/lifecycle/src/artifacts); these
// rows say what is there and where each was seen. Written only by the artifact gateway.
import { ARTIFACT_SOURCES, type ArtifactSource, MAX_ARTIFACT_NAME_CHARS } from '@decnet/core'
import type { Connection } from '../client.ts'
import { pickColumns, readColumns } from '../columns.ts'
import { orderedId } from '../ids.ts'
import { later, toDate, toNumber } from '../sql.ts'

export interface ArtifactRow {
  sha256: string
  size: number
  truncated: boolean
  firstSeen: Date
  lastSeen: Date
  sightings: number
}

export interface ArtifactSightingRow {
  id: string
  sha256: string
  decky: string
  source: ArtifactSource
  name: string
  attackerIp: string | null
  truncated: boolean
  seenAt: Date
}

export type SightingInput = Omit<ArtifactSightingRow, 'id' | 'seenAt'> & { size: number; seenAt?: Date }

/** Sightings returned with one artifact (newest first). */
export const ARTIFACT_SIGHTINGS_MAX = 200

type ArtifactRecord = {
  sha256: string
  size: unknown
  truncated: unknown
  firstSeen: unknown
  lastSeen: unknown
  sightings: unknown
}
type SightingRecord = {
  id: string
  sha256: string
  decky: string
  source: string
  name: string
  attackerIp: string | null
  truncated: unknown
  seenAt: unknown
}

const bool = (value: unknown) => value === true || value === 1 || value === 1n || value === 't'

export function artifactsRepository(conn: Connection) {
  return {
    /**
     * Records one sighting of stored content: the Artifact row is created on first sight (keeping
     * that size and truncation) and counted on the next ones, in one transaction.
     */
    async record(input: SightingInput): Promise<{ created: boolean }> {
      const seenAt = input.seenAt ?? new Date()
      const name = input.name.slice(0, MAX_ARTIFACT_NAME_CHARS)
      return conn.run(() =>
        conn.transaction(async (sql) => {
          const inserted = await sql.execute(
            `INSERT INTO "Artifact" ("sha256", "size", "truncated", "firstSeen", "lastSeen", "sightings")
             VALUES ($1, $2, $3, $4, $4, 1) ON CONFLICT ("sha256") DO NOTHING`,
            [input.sha256, input.size, input.truncated, seenAt],
          )
          if (inserted === 0)
            await sql.execute(
              `UPDATE "Artifact" SET "sightings" = "sightings" + 1, "lastSeen" = ${later('"lastSeen"', '$1')} WHERE "sha256" = $2`,
              [seenAt, input.sha256],
            )
          await sql.execute(
            `INSERT INTO "ArtifactSighting" ("id", "sha256", "decky", "source", "name", "attackerIp", "truncated", "seenAt")
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [
              orderedId(),
              input.sha256,
              input.decky,
              input.source,
              name,
              input.attackerIp,
              input.truncated,
              seenAt,
            ],
          )
          return { created: inserted > 0 }
        }),
      )
    },

    /** Newest first (by last sighting); `before` pages on lastSeen. */
    list(options: { limit: number; before?: Date }): Promise<ArtifactRow[]> {
      return conn.read(async ({ sql }) => {
        const rows = options.before
          ? await sql.query<ArtifactRecord>(
              `SELECT * FROM "Artifact" WHERE "lastSeen" < $1 ORDER BY "lastSeen" DESC, "sha256" LIMIT $2`,
              [options.before, options.limit],
            )
          : await sql.query<ArtifactRecord>(
              `SELECT * FROM "Artifact" ORDER BY "lastSeen" DESC, "sha256" LIMIT $1`,
              [options.limit],
            )
        return rows.map(artifactOf)
      })
    },

    get(sha256: string): Promise<(ArtifactRow & { seen: ArtifactSightingRow[] }) | undefined> {
      return conn.read(async ({ sql }) => {
        const [row] = await sql.query<ArtifactRecord>(`SELECT * FROM "Artifact" WHERE "sha256" = $1`, [
          sha256,
        ])
        if (!row) return undefined
        const seen = await sql.query<SightingRecord>(
          `SELECT * FROM "ArtifactSighting" WHERE "sha256" = $1 ORDER BY "seenAt" DESC, "id" DESC LIMIT $2`,
          [sha256, ARTIFACT_SIGHTINGS_MAX],
        )
        return { ...artifactOf(row), seen: seen.map(sightingOf) }
      })
    },
  }
}

function artifactOf(row: ArtifactRecord): ArtifactRow {
  return {
    sha256: row.sha256,
    ...readColumns(row, ['size', 'sightings'], toNumber),
    truncated: bool(row.truncated),
    ...readColumns(row, ['firstSeen', 'lastSeen'], toDate),
  }
}

function sightingOf(row: SightingRecord): ArtifactSightingRow {
  return {
    ...pickColumns(row, ['id', 'sha256', 'decky', 'name', 'attackerIp']),
    source: (ARTIFACT_SOURCES as readonly string[]).includes(row.source)
      ? (row.source as ArtifactSource)
      : 'upload',
    truncated: bool(row.truncated),
    seenAt: toDate(row.seenAt),
  }
}
