// Ten million Log rows (and a million attackers) for the search benchmark, generated inside the
// database by one INSERT … SELECT per table: templates (the corpus's events with their search text,
// built by the same tokenizer ingest uses) are joined to a row counter, and each row gets its own
// time, attacker, decky and port. No row crosses into JavaScript. Indexes and the full-text index are
// built once after the load, which is how a bulk load is done and far faster than row by row.
// The caller owns what is generated (a SQLite file it names, a throwaway PostgreSQL cluster).
import Database from 'better-sqlite3'
import pg from 'pg'
import { migrate } from '../src/migrate.ts'
import { buildSearchText, SYSTEM_TOKEN } from '../src/search/tokenize.ts'
import { applySqlitePragmas } from '../src/sqlite.ts'
import { type PostgresServer, startPostgres } from '../src/testing/postgres.ts'
import { generateCorpus } from './corpus.ts'

const TEMPLATES = 50_000
const DAY_MS = 86_400_000
/** The generated events span the 30 days before this instant. */
export const CORPUS_END = new Date('2026-11-25T00:00:00Z')
const SPAN_MS = 30 * DAY_MS
const DECKIES = 50

export interface BulkSize {
  logs: number
  attackers: number
}

// Placeholders in the templates, replaced per row; each is one token of its own.
const IP = 'IPADDR'
const PORT = 'PORTNUM'
const DECKY = 'DECKYNAME'

interface Template {
  service: string
  eventType: string
  rawLine: string
  fields: string
  searchText: string
}

function templates(): Template[] {
  const out: Template[] = []
  for (const event of generateCorpus({ rows: TEMPLATES, seed: 11 })) {
    const rawLine = event.rawLine
      .replaceAll(`${event.attackerIp}:${event.attackerPort}`, `${IP}:${PORT}`)
      .replaceAll(event.attackerIp, IP)
    const template = { ...event, rawLine, decky: DECKY, attackerIp: IP }
    out.push({
      service: event.service,
      eventType: event.eventType,
      rawLine,
      fields: JSON.stringify(event.fields ?? {}),
      searchText: buildSearchText(template),
    })
  }
  return out
}

/**
 * Per-row SQL pieces shared by both databases: `i` is the row number from 0. The attacker is skewed
 * (a few scanners send most traffic) over `attackers` addresses; 1 row in 100 is a probe (system).
 */
function rowParts(size: BulkSize, dialect: 'sqlite' | 'postgres') {
  const float = dialect === 'sqlite' ? '2147483647.0' : '2147483647.0::float8'
  const attacker = `CAST(${size.attackers} * power(((i * 48271) % 2147483647) / ${float}, 3) AS INTEGER)`
  const pad = (expr: string) =>
    dialect === 'sqlite' ? `printf('%02d', ${expr})` : `lpad((${expr})::text, 2, '0')`
  return {
    attacker,
    ip: (a: string) =>
      dialect === 'sqlite'
        ? `'198.' || (${a} >> 16) || '.' || ((${a} >> 8) & 255) || '.' || (${a} & 255)`
        : `'198.' || (${a} >> 16) || '.' || ((${a} >> 8) & 255) || '.' || (${a} & 255)`,
    decky: pad(`(i * 7919) % ${DECKIES}`),
    port: '1024 + (i * 31) % 60000',
    template: `(i * 2654435761) % ${TEMPLATES}`,
    system: 'i % 100 = 99',
    systemSuffix: ` ¦ ${SYSTEM_TOKEN}`,
  }
}

/** Generates the SQLite database `file` (it must not exist yet) holding `size`. */
export function bulkSqlite(file: string, size: BulkSize, log: (line: string) => void): Promise<void> {
  return stepAsync(log, 'SQLite generated', () => generateSqlite(file, size, log))
}

function step<T>(log: (line: string) => void, what: string, work: () => T): T {
  const started = performance.now()
  const result = work()
  log(`  ${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return result
}

async function stepAsync<T>(log: (line: string) => void, what: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const result = await work()
  log(`  ${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return result
}

async function generateSqlite(file: string, size: BulkSize, log: (line: string) => void): Promise<void> {
  await migrate(`file:${file}`)
  const db = new Database(file)
  try {
    applySqlitePragmas(db)
    db.pragma('cache_size = -262144')
    // Indexes come off for the load and are rebuilt whole afterwards.
    const indexes = db
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Log' AND sql IS NOT NULL`,
      )
      .all() as { name: string; sql: string }[]
    // The insert triggers (full-text index, hour counts) too: both are filled whole after the load.
    const triggers = db
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ('Log_search_insert', 'Log_hour_count')`,
      )
      .all() as { name: string; sql: string }[]
    for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`)
    for (const trigger of triggers) db.exec(`DROP TRIGGER "${trigger.name}"`)
    db.exec(
      'CREATE TEMP TABLE tpl (k INTEGER PRIMARY KEY, service TEXT, eventType TEXT, rawLine TEXT, fields TEXT, searchText TEXT)',
    )
    const insertTemplate = db.prepare('INSERT INTO tpl VALUES (?, ?, ?, ?, ?, ?)')
    db.transaction(() => {
      templates().forEach((t, k) => {
        insertTemplate.run(k, t.service, t.eventType, t.rawLine, t.fields, t.searchText)
      })
    })()
    const p = rowParts(size, 'sqlite')
    step(log, `${size.logs.toLocaleString('en')} Log rows`, () =>
      db
        .prepare(
          `INSERT INTO "Log" ("timestamp", "decky", "service", "eventType", "attackerIp", "attackerPort", "rawLine",
             "fields", "searchText", "system")
           SELECT strftime('%Y-%m-%dT%H:%M:%f+00:00', (? + i * ? / ?) / 1000.0, 'unixepoch'), 'decky-' || r.decky,
             t.service, t.eventType, r.ip, r.port,
             replace(replace(t.rawLine, '${IP}', r.ip), '${PORT}', r.port), t.fields,
             replace(replace(replace(t.searchText, '${IP.toLowerCase()}', replace(r.ip, '.', ' ')),
               '${PORT.toLowerCase()}', r.port), '${DECKY.toLowerCase()}', 'decky ' || r.decky)
               || CASE WHEN r.system THEN '${p.systemSuffix}' ELSE '' END,
             r.system
           FROM (WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
                 SELECT i, ${p.ip(p.attacker)} AS ip, ${p.decky} AS decky, ${p.port} AS port,
                   ${p.template} AS k, ${p.system} AS system FROM n) r
           JOIN tpl t ON t.k = r.k`,
        )
        .run(CORPUS_END.getTime() - SPAN_MS, SPAN_MS, size.logs, size.logs),
    )
    step(log, 'indexes', () => {
      for (const index of indexes) db.exec(index.sql)
    })
    step(log, 'full-text index', () => {
      db.exec(`INSERT INTO "LogSearch"("LogSearch") VALUES ('rebuild')`)
    })
    step(log, 'hour counts', () =>
      db.exec(`INSERT INTO "LogHourCount" ("hour", "service", "system", "count", "minId", "maxId")
        SELECT CAST(strftime('%s', "timestamp") AS INTEGER) / 3600, "service", "system", count(*), min("id"), max("id")
        FROM "Log" GROUP BY 1, 2, 3`),
    )
    for (const trigger of triggers) db.exec(trigger.sql)
    step(log, `${size.attackers.toLocaleString('en')} attackers`, () =>
      db
        .prepare(
          `INSERT INTO "Attacker" ("id", "ip", "firstSeen", "lastSeen", "eventCount", "services", "serviceCount",
             "deckies", "deckyCount", "credentialCount", "updatedAt")
           SELECT lower(hex(randomblob(16))), ${p.ip('i')}, seen, seen, 1 + i % 97, '["ssh"]', 1, '["decky-01"]', 1, 0, seen
           FROM (WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
                 SELECT i, strftime('%Y-%m-%dT%H:%M:%f+00:00', (? + ((i * 48271) % 2147483647) % ?) / 1000.0, 'unixepoch') AS seen FROM n)`,
        )
        .run(size.attackers, CORPUS_END.getTime() - SPAN_MS, SPAN_MS),
    )
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  } finally {
    db.close()
  }
}

/**
 * A throwaway PostgreSQL server (production durability) holding `size` in its database at `url`.
 * Stop the server when done: that removes the cluster.
 */
export async function bulkPostgres(
  size: BulkSize,
  log: (line: string) => void,
): Promise<{ server: PostgresServer; url: string }> {
  const server = await startPostgres({ durable: true })
  try {
    const url = await server.createDatabase('search_bench')
    await stepAsync(log, 'PostgreSQL generated', () => generatePostgres(url, size, log))
    return { server, url }
  } catch (error) {
    server.stop()
    throw error
  }
}

async function generatePostgres(url: string, size: BulkSize, log: (line: string) => void): Promise<void> {
  await migrate(url)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`SET maintenance_work_mem = '1GB'`)
    const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'Log' AND indexname <> 'Log_pkey'`,
    )
    for (const index of indexes) await client.query(`DROP INDEX "${index.indexname}"`)
    // The hour counts are filled whole after the load.
    await client.query('ALTER TABLE "Log" DISABLE TRIGGER "Log_hour_count"')
    await client.query(
      'CREATE TEMP TABLE tpl (k INTEGER PRIMARY KEY, service TEXT, "eventType" TEXT, "rawLine" TEXT, fields TEXT, "searchText" TEXT)',
    )
    const all = templates()
    for (let start = 0; start < all.length; start += 1000) {
      const chunk = all.slice(start, start + 1000)
      await client.query(
        `INSERT INTO tpl SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
        [
          chunk.map((_, i) => start + i),
          chunk.map((t) => t.service),
          chunk.map((t) => t.eventType),
          chunk.map((t) => t.rawLine),
          chunk.map((t) => t.fields),
          chunk.map((t) => t.searchText),
        ],
      )
    }
    const p = rowParts(size, 'postgres')
    await stepAsync(log, `${size.logs.toLocaleString('en')} Log rows`, () =>
      client.query(
        `INSERT INTO "Log" ("timestamp", "decky", "service", "eventType", "attackerIp", "attackerPort", "rawLine",
           "fields", "searchText", "system")
         SELECT to_timestamp(($1::float8 + i * $2::float8 / $3::float8) / 1000.0) AT TIME ZONE 'UTC', 'decky-' || r.decky,
           t.service, t."eventType", r.ip, r.port,
           replace(replace(t."rawLine", '${IP}', r.ip), '${PORT}', r.port::text), t.fields,
           replace(replace(replace(t."searchText", '${IP.toLowerCase()}', replace(r.ip, '.', ' ')),
             '${PORT.toLowerCase()}', r.port::text), '${DECKY.toLowerCase()}', 'decky ' || r.decky)
             || CASE WHEN r.system THEN '${p.systemSuffix}' ELSE '' END,
           r.system
         FROM (SELECT i, ${p.ip(p.attacker)} AS ip, ${p.decky} AS decky, ${p.port} AS port,
                 ${p.template} AS k, ${p.system} AS system FROM generate_series(0::bigint, $3::bigint - 1) i) r
         JOIN tpl t ON t.k = r.k`,
        [CORPUS_END.getTime() - SPAN_MS, SPAN_MS, size.logs],
      ),
    )
    await stepAsync(log, 'indexes (and the full-text GIN index)', async () => {
      for (const index of indexes) await client.query(index.indexdef)
    })
    await stepAsync(log, 'hour counts', () =>
      client.query(`INSERT INTO "LogHourCount" ("hour", "service", "system", "count", "minId", "maxId")
        SELECT CAST(floor(extract(epoch from "timestamp") / 3600) AS INTEGER), "service", "system", count(*),
          min("id"), max("id")
        FROM "Log" GROUP BY 1, 2, 3`),
    )
    await client.query('ALTER TABLE "Log" ENABLE TRIGGER "Log_hour_count"')
    await stepAsync(log, `${size.attackers.toLocaleString('en')} attackers`, () =>
      client.query(
        `INSERT INTO "Attacker" ("id", "ip", "firstSeen", "lastSeen", "eventCount", "services", "serviceCount",
           "deckies", "deckyCount", "credentialCount", "updatedAt")
         SELECT md5(i::text), ${p.ip('i')}, seen, seen, 1 + i % 97, '["ssh"]', 1, '["decky-01"]', 1, 0, seen
         FROM (SELECT i, to_timestamp(($1::float8 + ((i * 48271) % 2147483647) % $2::bigint) / 1000.0) AT TIME ZONE 'UTC' AS seen
               FROM generate_series(0::bigint, $3::bigint - 1) i) n`,
        [CORPUS_END.getTime() - SPAN_MS, SPAN_MS, size.attackers],
      ),
    )
    // What autovacuum does soon after a load in production: planner statistics and the visibility map.
    await stepAsync(log, 'vacuum analyze', () => client.query('VACUUM ANALYZE'))
  } finally {
    await client.end()
  }
}
