/** The optional ISO-8601 bounds of a logs query as Dates, for the repositories. */
export function timeRange(input: { from?: string; to?: string }): { from?: Date; to?: Date } {
  return {
    ...(input.from ? { from: new Date(input.from) } : {}),
    ...(input.to ? { to: new Date(input.to) } : {}),
  }
}
