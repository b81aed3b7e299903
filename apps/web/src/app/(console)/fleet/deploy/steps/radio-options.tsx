// The labelled radio buttons of one either/or choice in the wizard (its radiogroup wraps them).
interface Props<Value extends string> {
  name: string
  value: Value
  options: readonly (readonly [Value, string])[]
  onChange: (value: Value) => void
}

export function RadioOptions<Value extends string>({ name, value, options, onChange }: Props<Value>) {
  return options.map(([option, label]) => (
    <label key={option}>
      <input type="radio" name={name} checked={value === option} onChange={() => onChange(option)} />
      {label}
    </label>
  ))
}
