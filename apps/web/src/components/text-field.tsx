import type { InputHTMLAttributes } from 'react'

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> & {
  label: string
  value: string
  onValue: (value: string) => void
  /** A line of guidance under the input. */
  help?: string
}

/** A labelled text input of a form (the label wraps the input, so clicking it focuses the input). */
export function TextField({ label, value, onValue, help, ...input }: TextFieldProps) {
  return (
    <label className="field">
      <span>{label}</span>
      <input {...input} value={value} onChange={(e) => onValue(e.target.value)} />
      {help && <span className="help">{help}</span>}
    </label>
  )
}
