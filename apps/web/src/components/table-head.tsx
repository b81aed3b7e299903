import type { CSSProperties, ReactNode } from 'react'

/** A column header: a plain label, or a label with its own key and style (a hidden label, a fixed width). */
export type Column = string | { key: string; label: ReactNode; style?: CSSProperties }

/**
 * The header row of a data table, one `th scope="col"` a column so every table reads the same to a
 * screen reader. A `false` entry is a column left out (e.g. actions for a viewer).
 */
export function TableHead({ columns }: { columns: readonly (Column | false)[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => {
          if (column === false) return null
          if (typeof column === 'string') {
            return (
              <th key={column} scope="col">
                {column}
              </th>
            )
          }
          return (
            <th key={column.key} scope="col" style={column.style}>
              {column.label}
            </th>
          )
        })}
      </tr>
    </thead>
  )
}
