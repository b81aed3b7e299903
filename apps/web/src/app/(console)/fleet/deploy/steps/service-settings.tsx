// The per-service settings of the chosen services, one collapsible panel per service.
import type { Dispatch } from 'react'
import type { RouterOutputs } from '@/trpc/client.ts'
import type { Draft, WizardAction } from '../wizard/draft.ts'
import { chosenSettings } from '../wizard/plan.ts'
import { ConfigFieldInput } from './config-field-input.tsx'
import { ProblemList } from './problem-list.tsx'

interface Props {
  draft: Draft
  dispatch: Dispatch<WizardAction>
  services: RouterOutputs['catalog']['services']
  chosen: Draft['picked']
  problems: string[]
}

export function ServiceSettings({ draft, dispatch, services, chosen, problems }: Props) {
  const settings = chosenSettings(draft, chosen)
  return (
    <div>
      <h2 style={{ marginTop: 0 }}>Per-service settings</h2>
      <p className="muted small">Empty fields keep the service defaults. Secrets are written to the INI.</p>
      {chosen.map((slug) => {
        const service = services.find((s) => s.slug === slug)
        if (!service) return null
        const set = Object.keys(settings[slug] ?? {}).length
        return (
          <details key={slug} className="panel" style={{ padding: '6px 10px', marginBottom: 6 }}>
            <summary>
              <strong>{service.name}</strong>{' '}
              <span className="muted small">
                {service.ports.map((p) => `${p.port}/${p.protocol}`).join(' ')}
              </span>{' '}
              {set > 0 && <span className="badge ok">{set} set</span>}
              {service.config.length === 0 && <span className="muted small"> · no settings</span>}
            </summary>
            <div style={{ marginTop: 8 }}>
              {service.config.map((field) => (
                <ConfigFieldInput
                  key={field.key}
                  service={slug}
                  field={field}
                  value={draft.settings[slug]?.[field.key]}
                  onChange={(value) => dispatch({ type: 'setSetting', slug, key: field.key, value })}
                />
              ))}
            </div>
          </details>
        )
      })}
      <ProblemList problems={problems} testId="settings-problems" />
    </div>
  )
}
