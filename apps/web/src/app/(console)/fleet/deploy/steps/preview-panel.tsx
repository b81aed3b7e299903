// What the API says the INI would do: deckies created, kept and torn down, or why it refuses.
import { useState } from 'react'
import { Chips } from '@/components/chips.tsx'
import { IpAddress } from '@/components/ip-address.tsx'
import { RevealToggle } from '@/components/reveal-toggle.tsx'
import { errorCode, errorMessage } from '@/lib/errors.ts'
import { plural } from '@/lib/format.ts'
import type { RouterOutputs } from '@/trpc/client.ts'
import { PreviewLogins } from './preview-logins.tsx'

interface Props {
  fetching: boolean
  error: unknown
  data: RouterOutputs['fleet']['preview'] | undefined
  deployError: unknown
}

export function PreviewPanel({ fetching, error, data, deployError }: Props) {
  const [showPasswords, setShowPasswords] = useState(false)
  const hasLogins = data?.create.some((d) => d.logins.length > 0) ?? false
  return (
    <div>
      <h2 style={{ marginTop: 0 }}>Preview</h2>
      {fetching && <p className="muted">Checking with the API…</p>}
      {error != null && (
        <div className="alert" role="alert" data-testid="preview-error">
          <strong>{errorCode(error) ?? 'ERROR'}</strong>: {errorMessage(error)}
          <div className="small">Nothing will be deployed until this is fixed.</div>
        </div>
      )}
      {data && (
        <div data-testid="preview">
          <p>
            {plural(data.create.length, 'new decky', 'new deckies')}
            {data.keep.length > 0 ? `, ${data.keep.length} kept` : ''}
            {data.remove.length > 0 && (
              <strong className="status-failed">, {data.remove.length} torn down</strong>
            )}
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">IP / MAC</th>
                <th scope="col">Host</th>
                <th scope="col">Hostname / distro</th>
                <th scope="col">Services</th>
                {hasLogins && (
                  <th scope="col">
                    Logins{' '}
                    <RevealToggle
                      shown={showPasswords}
                      onToggle={setShowPasswords}
                      show="Show passwords"
                      hide="Hide passwords"
                    />
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {data.create.map((d) => (
                <tr key={d.name} data-testid={`preview-${d.name}`}>
                  <td className="mono">{d.name}</td>
                  <td className="mono small">
                    <IpAddress value={d.ip} testId="preview-ip" />
                    <div className="muted nowrap" data-testid="preview-mac">
                      {d.mac}
                    </div>
                  </td>
                  <td className="mono" data-testid="preview-host">
                    {d.host}
                  </td>
                  <td className="small">
                    <span className="mono" data-testid="preview-hostname">
                      {d.hostname}
                    </span>
                    <div className="muted">
                      {d.distro} · {d.osFamily}
                    </div>
                  </td>
                  <td>
                    <Chips values={d.services} />
                  </td>
                  {hasLogins && (
                    <td>
                      <PreviewLogins logins={d.logins} showPasswords={showPasswords} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small" data-testid="preview-promise">
            Deploy creates exactly these deckies. If the fleet changes first (an address or host name taken),
            the deploy is refused, nothing is written, and this preview shows the new plan.
          </p>
          {data.remove.length > 0 && (
            <p className="alert" data-testid="preview-remove">
              Torn down: {data.remove.join(', ')}
            </p>
          )}
        </div>
      )}
      {deployError != null && (
        <p className="alert" role="alert" data-testid="deploy-error">
          <strong>{errorCode(deployError) ?? 'ERROR'}</strong>: {errorMessage(deployError)}
        </p>
      )}
    </div>
  )
}
