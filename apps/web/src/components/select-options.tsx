import type { ReactNode } from 'react'

/** The `<option>`s of a select, one a value, shown as `label` says (the value itself by default). */
export function SelectOptions<Value extends string>({
  values,
  label,
}: {
  values: readonly Value[]
  label?: (value: Value) => ReactNode
}) {
  return values.map((value) => (
    <option key={value} value={value}>
      {label ? label(value) : value}
    </option>
  ))
}
