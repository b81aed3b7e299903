// One either/or choice of the draft as a labelled radiogroup: picking an option sets that draft field.
import type { CSSProperties, Dispatch, ReactNode } from 'react'
import type { ChoiceField, Draft, WizardAction } from '../wizard/draft.ts'

interface Props<Field extends ChoiceField> {
  /** The radiogroup's accessible name. */
  label: string
  /** The draft field it sets (also the radio buttons' name). */
  field: Field
  options: readonly (readonly [Draft[Field], ReactNode])[]
  wizard: { draft: Draft; dispatch: Dispatch<WizardAction> }
  className?: 'row' | 'stack'
  style?: CSSProperties
  /** Shown after the options, inside the group's row. */
  children?: ReactNode
}

export function DraftChoice<Field extends ChoiceField>({
  label,
  field,
  options,
  wizard: { draft, dispatch },
  className = 'row',
  style,
  children,
}: Props<Field>) {
  return (
    <div className={className} role="radiogroup" aria-label={label} style={style}>
      {options.map(([option, text]) => (
        <label key={option}>
          <input
            type="radio"
            name={field}
            checked={draft[field] === option}
            // The field and its value are of one choice; TypeScript cannot tie the two through the generic.
            onChange={() => dispatch({ type: 'set', field, value: option } as WizardAction)}
          />
          {text}
        </label>
      ))}
      {children}
    </div>
  )
}
