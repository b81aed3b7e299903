// Step 2: names, addresses and placement of the new deckies, beside their per-service settings.
import type { Dispatch } from 'react'
import { plural } from '@/lib/format.ts'
import type { RouterOutputs } from '@/trpc/client.ts'
import { type Draft, MAX_COUNT, type WizardAction } from '../wizard/draft.ts'
import type { DraftErrors } from '../wizard/validate.ts'
import { DraftChoice } from './draft-choice.tsx'
import { NetworksSection } from './networks-section.tsx'
import { ProblemList } from './problem-list.tsx'
import { ServiceSettings } from './service-settings.tsx'

const NAMING = [
  ['prefix', 'Prefix and count'],
  ['explicit', 'Explicit names'],
] as const
const IP_MODES = [
  ['auto', 'Automatic IPs'],
  ['explicit', 'Explicit IPs'],
] as const

interface Props {
  draft: Draft
  dispatch: Dispatch<WizardAction>
  names: string[]
  ips: string[]
  /** Hosts a decky could go to (an unreachable one is listed, but cannot be picked). */
  placeable: RouterOutputs['hosts']['list']
  services: RouterOutputs['catalog']['services']
  chosen: Draft['picked']
  errors: DraftErrors['configure']
}

export function ConfigureStep({ draft, dispatch, names, ips, placeable, services, chosen, errors }: Props) {
  const wizard = { draft, dispatch }
  const problems = [...(errors.names ?? []), ...(errors.ips ?? [])]
  return (
    <section aria-labelledby="step-configure" className="grid-2">
      <div>
        <h2 id="step-configure" style={{ marginTop: 0 }}>
          Names and addresses
        </h2>
        <DraftChoice
          label="Naming"
          field="namingMode"
          options={NAMING}
          wizard={wizard}
          style={{ marginBottom: 8 }}
        />
        {draft.namingMode === 'prefix' ? (
          <div className="row">
            <label className="field">
              <span>Name prefix</span>
              <input
                value={draft.prefix}
                onChange={(e) => dispatch({ type: 'set', field: 'prefix', value: e.target.value })}
              />
            </label>
            <label className="field">
              <span>Count</span>
              <input
                type="number"
                min={1}
                max={MAX_COUNT}
                value={draft.count}
                onChange={(e) => dispatch({ type: 'setCount', value: Number(e.target.value) || 1 })}
              />
            </label>
          </div>
        ) : (
          <label className="field">
            <span>Decky names</span>
            <textarea
              rows={3}
              value={draft.explicitNames}
              onChange={(e) => dispatch({ type: 'set', field: 'explicitNames', value: e.target.value })}
              placeholder="web-01, db-01"
            />
            <span className="help">Separated by commas, spaces or lines.</span>
          </label>
        )}
        <DraftChoice
          label="IP addresses"
          field="ipMode"
          options={IP_MODES}
          wizard={wizard}
          style={{ margin: '8px 0' }}
        />
        {placeable.length > 1 && (
          <label className="field">
            <span>Host</span>
            <select
              value={draft.placement}
              onChange={(e) => dispatch({ type: 'set', field: 'placement', value: e.target.value })}
              data-testid="placement"
            >
              <option value="">Automatic (the active host with the most free capacity)</option>
              {placeable.map((host) => (
                <option key={host.id} value={host.name} disabled={host.status !== 'active'}>
                  {host.name} · {host.network.subnet}
                  {host.status === 'active'
                    ? ` · ${plural(host.deckyCount, 'decky', 'deckies')}`
                    : ` · ${host.status}`}
                </option>
              ))}
            </select>
            <span className="help">
              Explicit IPs must lie in the chosen host's network; with automatic placement, a decky with an
              explicit IP goes to a host whose network holds it.
            </span>
          </label>
        )}
        {draft.ipMode === 'explicit' && (
          <label className="field">
            <span>IP addresses (one per decky, in order)</span>
            <textarea
              rows={2}
              value={draft.explicitIps}
              onChange={(e) => dispatch({ type: 'set', field: 'explicitIps', value: e.target.value })}
            />
          </label>
        )}
        <h3>New deckies</h3>
        <p className="mono small" data-testid="planned-names">
          {names.length > 0
            ? names.map((name, i) => `${name}${ips[i] ? ` (${ips[i]})` : ''}`).join(', ')
            : '—'}
        </p>
        <ProblemList problems={problems} />
        <NetworksSection draft={draft} dispatch={dispatch} names={names} problems={errors.networks ?? []} />
      </div>
      <ServiceSettings
        draft={draft}
        dispatch={dispatch}
        services={services}
        chosen={chosen}
        problems={errors.settings ?? []}
      />
    </section>
  )
}
