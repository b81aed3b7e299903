// Text columns that hold one of core's concepts (a decky state, a lifecycle status ...): narrowed when
// read, so a value the code does not know fails loudly at the read instead of flowing on as a lie.

/** `value` when it is one of `known`; throws naming the column otherwise. */
export function knownValue<const T extends string>(known: readonly T[], value: string, column: string): T {
  if ((known as readonly string[]).includes(value)) return value as T
  throw new Error(`${column} holds ${JSON.stringify(value)}, which is none of ${known.join(', ')}`)
}
