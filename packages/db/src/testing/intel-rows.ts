// Rows of the intelligence tables (migration 0014) written straight into a test database, for
// suites that need fingerprints, indicators or techniques before an ingest stage produces them.
import type { SqlArg } from '../sql.ts'
import { executeRaw } from './raw-sql.ts'

export type IntelRows = {
  fingerprints?: { attackerIp: string; kind: string; value: string; service?: string; at?: Date }[]
  iocs?: { attackerIp: string; kind: string; value: string; decky?: string; at?: Date }[]
  techniques?: { attackerIp: string; technique: string; decky?: string; at?: Date }[]
}

const DEFAULT_AT = new Date('2026-11-25T10:00:00Z')

/** Inserts the rows (one statement each) into the database at `databaseUrl`. */
export async function insertIntelRows(databaseUrl: string, rows: IntelRows): Promise<void> {
  const statements: [string, SqlArg[]][] = []
  for (const f of rows.fingerprints ?? []) {
    statements.push([
      `INSERT INTO "AttackerFingerprint" ("attackerIp", "kind", "value", "service", "firstSeen", "lastSeen")
       VALUES ($1, $2, $3, $4, $5, $5)`,
      [f.attackerIp, f.kind, f.value, f.service ?? 'ssh', f.at ?? DEFAULT_AT],
    ])
  }
  for (const i of rows.iocs ?? []) {
    statements.push([
      `INSERT INTO "AttackerIoc" ("attackerIp", "kind", "value", "source", "decky", "firstSeen", "lastSeen")
       VALUES ($1, $2, $3, 'command', $4, $5, $5)`,
      [i.attackerIp, i.kind, i.value, i.decky ?? 'decky-01', i.at ?? DEFAULT_AT],
    ])
  }
  for (const t of rows.techniques ?? []) {
    statements.push([
      `INSERT INTO "AttackerTechnique" ("attackerIp", "technique", "ruleId", "ruleVersion", "evidence", "decky",
         "firstSeen", "lastSeen") VALUES ($1, $2, 'test', 'test', '', $3, $4, $4)`,
      [t.attackerIp, t.technique, t.decky ?? 'decky-01', t.at ?? DEFAULT_AT],
    ])
  }
  await executeRaw(databaseUrl, statements)
}
