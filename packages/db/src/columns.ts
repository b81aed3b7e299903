import type { Role } from '@decnet/core'

// Text columns that hold one of core's concepts (a decky state, a lifecycle status ...): narrowed when
// read, so a value the code does not know fails loudly at the read instead of flowing on as a lie.

/** `value` when it is one of `known`; throws naming the column otherwise. */
export function knownValue<const T extends string>(known: readonly T[], value: string, column: string): T {
  if ((known as readonly string[]).includes(value)) return value as T
  throw new Error(`${column} holds ${JSON.stringify(value)}, which is none of ${known.join(', ')}`)
}

/** A role column: anything but `admin` reads as `viewer`, the lesser privilege. */
export const toRole = (role: string): Role => (role === 'admin' ? 'admin' : 'viewer')

// Row mappers name what leaves a repository by column: the ones that pass unchanged (pickColumns) and
// the ones read into another type (readColumns).

/** The named columns of a row, unchanged, and no other (a column added later stays in until named). */
export function pickColumns<Row extends object, const Key extends keyof Row>(
  row: Row,
  columns: readonly Key[],
): Pick<Row, Key> {
  const picked = {} as Pick<Row, Key>
  for (const column of columns) picked[column] = row[column]
  return picked
}

/**
 * The named columns of a row, each read by `read` (toDate, toNumber, parseStringArray ...): a raw
 * query hands timestamps and counts back in the driver's own type, lists as JSON text.
 */
export function readColumns<const Key extends string, Stored, Read>(
  row: { [K in Key]: Stored },
  columns: readonly Key[],
  read: (value: Stored) => Read,
): Record<Key, Read> {
  const values = {} as Record<Key, Read>
  for (const column of columns) values[column] = read(row[column])
  return values
}
