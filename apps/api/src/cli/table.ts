// Plain-text tables for the CLI: a header row, columns padded to their widest cell, two spaces apart.
// Cells must already be terminal-safe (terminal-text.ts); the last column is never padded.

export type Column<Row> = { header: string; cell: (row: Row) => string; alignRight?: boolean }

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
