// Plain-text lists and tables for the CLI: a line a row, or a header row and columns padded to their
// widest cell, two spaces apart. Cells must already be terminal-safe (terminal-text.ts).

export type Column<Row> = { header: string; cell: (row: Row) => string; alignRight?: boolean }

/** The last column is never padded. */
export function renderTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)))
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => line[index]?.length ?? 0)),
  )
  const line = (values: readonly string[]) =>
    values
      .map((value, index) => {
        if (index === values.length - 1 && !columns[index]?.alignRight) return value
        const width = widths[index] ?? 0
        return columns[index]?.alignRight ? value.padStart(width) : value.padEnd(width)
      })
      .join('  ')
      .trimEnd()
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n')
}

/** One line a row, or `empty` when there is no row. */
export function renderLines<Row>(rows: readonly Row[], line: (row: Row) => string, empty: string): string {
  return rows.length === 0 ? empty : rows.map(line).join('\n')
}
