import { SafeText } from './safe-text.tsx'

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

/** Badges of attacker-influenced values (decky names, services seen), each escaped and cut at `limit`. */
export function SafeBadges({
  values,
  limit,
  mono = false,
}: {
  values: readonly string[]
  limit: number
  mono?: boolean
}) {
  return values.map((value) => (
    <span key={value} className={mono ? 'badge mono' : 'badge'}>
      <SafeText value={value} limit={limit} />
    </span>
  ))
}
