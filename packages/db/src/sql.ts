// Raw SQL shared by both databases. Statements are written with PostgreSQL's `$1` placeholders;
// for SQLite they become positional `?` with the arguments repeated in order of use.
// Values are always bound as parameters, never spliced into the text.

export type Dialect = 'sqlite' | 'postgres'

export type SqlArg = string | number | boolean | Date | null

/** Raw SQL with `$n` placeholders against one database (a connection or an open transaction). */
export interface SqlExecutor {
  query<T>(sql: string, args?: readonly SqlArg[]): Promise<T[]>
  execute(sql: string, args?: readonly SqlArg[]): Promise<number>
}

/** What Prisma clients and their transaction clients offer for raw SQL. */
export interface PrismaRaw {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>
}

// SQLite binding plans by statement text: the `$n` rewrite of a 10,000-placeholder multi-row insert
// is costly, and the same few statement texts recur on every batch.
const sqlitePlans = new Map<string, SqlitePlan>()

/** A statement's SQLite text and which argument each `?` takes (`undefined`: the n-th, in order). */
export interface SqlitePlan {
  text: string
  /** Placeholders in `text`. */
  count: number
  order: number[] | undefined
}

export function sqlitePlan(sql: string): SqlitePlan {
  let plan = sqlitePlans.get(sql)
  if (!plan) {
    const order: number[] = []
    const text = sql.replace(/\$(\d+)/g, (_match, index: string) => {
      order.push(Number(index) - 1)
      return '?'
    })
    // Multi-row inserts use every argument once, in order: binding then needs no reordering pass.
    const inOrder = order.every((index, position) => index === position)
    plan = { text, count: order.length, order: inOrder ? undefined : order }
    if (sqlitePlans.size > 1000) sqlitePlans.clear()
    sqlitePlans.set(sql, plan)
  }
  return plan
}

export function bindFor(dialect: Dialect, sql: string, args: readonly SqlArg[]): [string, SqlArg[]] {
  if (dialect === 'postgres') return [sql, [...args]]
  const plan = sqlitePlan(sql)
  const { count } = plan
  const ordered: SqlArg[] = new Array(count)
  for (let position = 0; position < count; position++) {
    const index = plan.order === undefined ? position : (plan.order[position] as number)
    const value = args[index]
    if (value === undefined) throw new Error(`missing SQL argument $${index + 1}`)
    ordered[position] = value
  }
  return [plan.text, ordered]
}

export function prismaExecutor(db: PrismaRaw, dialect: Dialect): SqlExecutor {
  return {
    query<T>(sql: string, args: readonly SqlArg[] = []) {
      const [text, values] = bindFor(dialect, sql, args)
      return db.$queryRawUnsafe<T[]>(text, ...values)
    },
    execute(sql: string, args: readonly SqlArg[] = []) {
      const [text, values] = bindFor(dialect, sql, args)
      return db.$executeRawUnsafe(text, ...values)
    },
  }
}

/** Raw results carry bigint for computed integers (count(*)); callers want numbers. */
export function toNumber(value: unknown): number {
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'number') return value
  if (typeof value === 'string') return Number(value)
  throw new Error(`expected a number, got ${typeof value}`)
}

export function toDate(value: unknown): Date {
  if (value instanceof Date) return value
  if (typeof value === 'string') return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`)
  throw new Error(`expected a date, got ${typeof value}`)
}

export function toOptionalDate(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value)
}

export function toOptionalNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value)
}

/** Earlier of two timestamps, as SQL valid on both databases (no GREATEST/max() differences). */
export const earlier = (a: string, b: string) => `CASE WHEN ${a} < ${b} THEN ${a} ELSE ${b} END`
export const later = (a: string, b: string) => `CASE WHEN ${a} > ${b} THEN ${a} ELSE ${b} END`

const placeholderLists = new Map<string, string>()

/** `($1, $2), ($3, $4)`: placeholders for a multi-row VALUES list starting after `offset` arguments. */
export function valuesPlaceholders(rows: number, columns: number, offset = 0): string {
  // Every ingest batch asks for the same few shapes (1,000 rows × 10 columns is 10,000 cells).
  const key = `${rows}:${columns}:${offset}`
  const cached = placeholderLists.get(key)
  if (cached !== undefined) return cached
  const groups: string[] = []
  for (let r = 0; r < rows; r++) {
    const cells: string[] = []
    for (let c = 0; c < columns; c++) cells.push(`$${offset + r * columns + c + 1}`)
    groups.push(`(${cells.join(', ')})`)
  }
  const list = groups.join(', ')
  if (placeholderLists.size > 1000) placeholderLists.clear()
  placeholderLists.set(key, list)
  return list
}

/**
 * A row as a raw query returns it: the driver hands numbers and dates back as it likes (bigint or
 * number; Date, text or epoch), so every non-text column is `unknown` until toNumber/toDate convert
 * it. Derived from the generated model, so a raw row cannot drift from the table.
 */
export type RawRow<Model> = { [K in keyof Model]: Model[K] extends string | null ? Model[K] : unknown }
