// Step 1: an archetype or a hand-picked set of services, and the distro.
import type { Dispatch } from 'react'
import type { RouterOutputs } from '@/trpc/client.ts'
import type { Draft, WizardAction } from '../wizard/draft.ts'
import { DraftChoice } from './draft-choice.tsx'

const PICK_MODES = [
  ['archetype', 'Pick an archetype'],
  ['services', 'Pick services'],
] as const

interface Props {
  draft: Draft
  dispatch: Dispatch<WizardAction>
  services: RouterOutputs['catalog']['services']
  archetypes: RouterOutputs['catalog']['archetypes']
  distros: RouterOutputs['catalog']['distros']
  problems: string[]
}

export function ServicesStep({ draft, dispatch, services, archetypes, distros, problems }: Props) {
  const wizard = { draft, dispatch }
  return (
    <section aria-labelledby="step-services">
      <h2 id="step-services" className="sr-only">
        Choose services
      </h2>
      <DraftChoice
        label="How to choose services"
        field="pickMode"
        options={PICK_MODES}
        wizard={wizard}
        style={{ marginBottom: 10 }}
      >
        <label style={{ marginLeft: 'auto' }}>
          Distro
          <select
            value={draft.distro}
            onChange={(e) => dispatch({ type: 'set', field: 'distro', value: e.target.value })}
          >
            <option value="">automatic</option>
            {distros.map((d) => (
              <option key={d.slug} value={d.slug}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
      </DraftChoice>
      {draft.pickMode === 'archetype' ? (
        <div className="cards" role="radiogroup" aria-label="Archetypes">
          {archetypes.map((a) => (
            <label key={a.slug} className="card" data-testid={`archetype-${a.slug}`}>
              <input
                type="radio"
                value={a.slug}
                checked={draft.archetype === a.slug}
                onChange={() => dispatch({ type: 'set', field: 'archetype', value: a.slug })}
              />
              <span>
                <strong>{a.name}</strong> <span className="muted mono small">{a.slug}</span>
                <div className="desc">{a.description}</div>
                <div className="chips" style={{ marginTop: 4 }}>
                  {a.services.map((s) => (
                    <span key={s} className="badge">
                      {s}
                    </span>
                  ))}
                </div>
              </span>
            </label>
          ))}
        </div>
      ) : (
        <div className="cards">
          {services.map((s) => (
            <label key={s.slug} className="card" data-testid={`service-${s.slug}`}>
              <input
                type="checkbox"
                value={s.slug}
                checked={draft.picked.includes(s.slug)}
                onChange={(e) => dispatch({ type: 'toggleService', slug: s.slug, on: e.target.checked })}
              />
              <span>
                <strong>{s.name}</strong>{' '}
                <span className="muted mono small">
                  {s.ports.map((p) => `${p.port}/${p.protocol}`).join(' ') || 'no port'}
                </span>
                <div className="desc">{s.description}</div>
              </span>
            </label>
          ))}
        </div>
      )}
      {problems.map((problem) => (
        <p key={problem} className="help" data-testid="services-problem">
          {problem}
        </p>
      ))}
    </section>
  )
}
