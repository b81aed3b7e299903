// One catalogue setting of one service as a form control; secrets stay masked until shown.
import type { ConfigValue } from '@decnet/core'
import { useQuery } from '@tanstack/react-query'
import { type ReactNode, useState } from 'react'
import { SelectOptions } from '@/components/select-options.tsx'
import { errorMessage } from '@/lib/errors.ts'
import { type RouterOutputs, useTRPC } from '@/trpc/client.ts'
import { isSecretField } from '../wizard/plan.ts'

type Service = RouterOutputs['catalog']['services'][number]
type ConfigField = Service['config'][number]

/**
 * The default of a secret setting: the catalogue withholds it, so it is asked for (admins only, the
 * API refuses anyone else) when the operator wants to see it.
 */
function SecretDefault({ service, field }: { service: Service['slug']; field: ConfigField }) {
  const trpc = useTRPC()
  const [asked, setAsked] = useState(false)
  const value = useQuery(
    trpc.catalog.secretDefault.queryOptions(
      { service, key: field.key },
      { enabled: asked, staleTime: Infinity },
    ),
  )
  const shown = asked && value.isSuccess
  return (
    <span className="help" data-testid={`secret-default-${service}-${field.key}`}>
      Default when left empty:{' '}
      <span className="mono" data-testid="secret-default-value">
        {shown ? String(value.data.value) : '••••••••'}
      </span>{' '}
      <button type="button" className="link small" aria-pressed={shown} onClick={() => setAsked(!asked)}>
        {shown ? 'Hide default' : 'Show default'}
      </button>
      {asked && value.isError && (
        <span role="alert" className="status-failed">
          {' '}
          {errorMessage(value.error)}
        </span>
      )}
    </span>
  )
}

export function ConfigFieldInput({
  service,
  field,
  value,
  onChange,
}: {
  service: Service['slug']
  field: ConfigField
  value: ConfigValue | undefined
  onChange: (value: ConfigValue | undefined) => void
}) {
  const [revealed, setRevealed] = useState(false)
  const id = `cfg-${service}-${field.key}`
  const placeholder = field.default !== undefined ? `default: ${String(field.default)}` : undefined
  const secret = isSecretField(field)
  let control: ReactNode
  switch (field.type) {
    case 'bool':
      control = (
        <select
          id={id}
          value={value === undefined ? '' : String(value)}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value === 'true')}
        >
          <option value="">default{field.default !== undefined ? ` (${String(field.default)})` : ''}</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      )
      break
    case 'enum':
      control = (
        <select
          id={id}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value || undefined)}
        >
          <option value="">default{field.default !== undefined ? ` (${String(field.default)})` : ''}</option>
          <SelectOptions values={field.options ?? []} />
        </select>
      )
      break
    case 'multi_enum': {
      const selected = new Set(Array.isArray(value) ? value : [])
      control = (
        <fieldset id={id} className="chips" style={{ border: 'none', padding: 0, margin: 0 }}>
          <legend className="sr-only">{field.label}</legend>
          {(field.options ?? []).map((option) => (
            <label key={option} className="badge">
              <input
                type="checkbox"
                checked={selected.has(option)}
                onChange={(e) => {
                  const next = new Set(selected)
                  if (e.target.checked) next.add(option)
                  else next.delete(option)
                  const list = (field.options ?? []).filter((o) => next.has(o))
                  onChange(list.length > 0 ? list : undefined)
                }}
              />
              {option}
            </label>
          ))}
        </fieldset>
      )
      break
    }
    case 'int':
      control = (
        <input
          id={id}
          type="number"
          min={field.min}
          max={field.max}
          placeholder={placeholder}
          value={typeof value === 'number' ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      )
      break
    case 'textarea':
      control = (
        <textarea
          id={id}
          rows={3}
          placeholder={placeholder}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
        />
      )
      break
    default:
      control = (
        <span className="row">
          <input
            id={id}
            type={secret && !revealed ? 'password' : 'text'}
            autoComplete="off"
            placeholder={secret ? undefined : placeholder}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
            style={{ flex: 1 }}
          />
          {secret && (
            <button type="button" onClick={() => setRevealed(!revealed)} aria-pressed={revealed}>
              {revealed ? 'Hide' : 'Show'}
            </button>
          )}
        </span>
      )
  }
  return (
    <div className="field">
      <label htmlFor={id} style={{ fontWeight: 600, fontSize: 12 }}>
        {field.label} <span className="muted mono">({field.key})</span>
        {secret && <span className="badge warn">secret</span>}
      </label>
      {control}
      {field.hiddenDefault && <SecretDefault service={service} field={field} />}
      {field.help && <span className="help">{field.help}</span>}
    </div>
  )
}
