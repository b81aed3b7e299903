// Part of step 2: topology networks (optional). The operator declares networks, marks the entry one,
// and ticks which networks each new decky joins; a decky on two or more is a pivot between them.
import type { Dispatch } from 'react'
import type { Draft, WizardAction } from '../wizard/draft.ts'
import { ProblemList } from './problem-list.tsx'

interface Props {
  draft: Draft
  dispatch: Dispatch<WizardAction>
  /** The new deckies' names, in order (memberships are kept by position). */
  names: string[]
  problems: string[]
}

export function NetworksSection({ draft, dispatch, names, problems }: Props) {
  return (
    <section aria-labelledby="wizard-networks" data-testid="wizard-networks">
      <h3 id="wizard-networks">Topology networks (optional)</h3>
      <p className="help">
        Without networks the deckies join the fleet&apos;s LAN. With them, the entry network is the one
        intruders reach; a decky ticked on two networks is a pivot into the inner one, which is reached only
        through it. A decky with no network ticked joins the entry network.
      </p>
      {draft.networks.map((network, index) => (
        <div className="row" key={network.id} data-testid="wizard-network">
          <label className="field">
            <span>Network {index + 1}</span>
            <input
              value={network.name}
              onChange={(e) =>
                dispatch({ type: 'setNetwork', id: network.id, patch: { name: e.target.value } })
              }
            />
          </label>
          <label className="field">
            <span>Subnet {index + 1}</span>
            <input
              value={network.subnet}
              placeholder="10.77.2.0/24"
              onChange={(e) =>
                dispatch({ type: 'setNetwork', id: network.id, patch: { subnet: e.target.value } })
              }
            />
          </label>
          <label>
            <input
              type="radio"
              name="entry-network"
              checked={network.entry}
              onChange={() => dispatch({ type: 'setEntryNetwork', id: network.id })}
            />{' '}
            Entry<span className="sr-only"> network: {network.name}</span>
          </label>
          <button
            type="button"
            className="button"
            onClick={() => dispatch({ type: 'removeNetwork', id: network.id })}
          >
            Remove {network.name || 'network'}
          </button>
        </div>
      ))}
      <button type="button" className="button" onClick={() => dispatch({ type: 'addNetwork' })}>
        Add network
      </button>
      {draft.networks.length > 0 && names.length > 0 && (
        <table data-testid="wizard-memberships" style={{ marginTop: 8 }}>
          <caption className="sr-only">Networks each new decky joins</caption>
          <thead>
            <tr>
              <th scope="col">Decky</th>
              {draft.networks.map((network) => (
                <th scope="col" key={network.id}>
                  {network.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {names.map((name, decky) => (
              <tr key={name}>
                <th scope="row" className="mono">
                  {name}
                </th>
                {draft.networks.map((network) => (
                  <td key={network.id}>
                    <input
                      type="checkbox"
                      aria-label={`${name} joins ${network.name}`}
                      checked={draft.memberships[decky]?.includes(network.id) ?? false}
                      onChange={(e) =>
                        dispatch({ type: 'setMembership', decky, network: network.id, on: e.target.checked })
                      }
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ProblemList problems={problems} />
    </section>
  )
}
