/** A row of plain badges (service slugs, names): operator-chosen catalogue values, rendered as text. */
export function Chips({ values }: { values: readonly string[] }) {
  return (
    <div className="chips">
      {values.map((value) => (
        <span key={value} className="badge">
          {value}
        </span>
      ))}
    </div>
  )
}
