// Step 4: the INI that will be submitted (generated, or the operator's own) beside the API's preview.
import { type Dispatch, useState } from 'react'
import { RevealToggle } from '@/components/reveal-toggle.tsx'
import { plural } from '@/lib/format.ts'
import type { RouterOutputs } from '@/trpc/client.ts'
import type { IniResult } from '../wizard/build-ini.ts'
import type { Draft, WizardAction } from '../wizard/draft.ts'
import { PreviewPanel } from './preview-panel.tsx'

interface Props {
  draft: Draft
  dispatch: Dispatch<WizardAction>
  generated: IniResult
  /** The same INI with secret settings masked, shown until the operator reveals them. */
  masked: IniResult
  preview: { fetching: boolean; error: unknown; data: RouterOutputs['fleet']['preview'] | undefined }
  deployError: unknown
}

export function ReviewStep({ draft, dispatch, generated, masked, preview, deployError }: Props) {
  const [showSecrets, setShowSecrets] = useState(false)
  const shown = generated.ok && generated.hasSecrets && !showSecrets ? masked : generated
  const removes = preview.data
    ? `This removes ${plural(preview.data.remove.length, 'decky', 'deckies')}.`
    : ''
  return (
    <section aria-labelledby="step-review" className="grid-2">
      <div>
        <h2 id="step-review" style={{ marginTop: 0 }}>
          Fleet INI
        </h2>
        <label>
          <input
            type="checkbox"
            checked={draft.ownIni}
            onChange={(e) =>
              dispatch({
                type: 'setOwnIni',
                on: e.target.checked,
                generatedIni: generated.ok ? generated.ini : '',
              })
            }
          />
          Paste my own INI instead
        </label>
        {draft.ownIni ? (
          <>
            <textarea
              aria-label="Fleet INI"
              rows={14}
              value={draft.customIni}
              onChange={(e) => dispatch({ type: 'set', field: 'customIni', value: e.target.value })}
              spellCheck={false}
              data-testid="custom-ini"
            />
            <label style={{ marginTop: 6 }}>
              <input
                type="checkbox"
                checked={draft.replaceFleet}
                onChange={(e) => dispatch({ type: 'set', field: 'replaceFleet', value: e.target.checked })}
                data-testid="replace-fleet"
              />
              Replace the whole fleet with this INI
            </label>
            {draft.replaceFleet && (
              <p className="alert" role="alert">
                <strong>Replace mode:</strong> every decky that is not in this INI is torn down, its
                containers removed. {removes}
              </p>
            )}
          </>
        ) : (
          <>
            <pre className="ini" data-testid="generated-ini">
              {shown.ok ? shown.ini : ''}
            </pre>
            {generated.ok && generated.hasSecrets && (
              <RevealToggle
                shown={showSecrets}
                onToggle={setShowSecrets}
                show="Show secrets"
                hide="Mask secrets"
              />
            )}
            {!generated.ok && (
              <p className="alert" role="alert">
                {generated.error}
              </p>
            )}
          </>
        )}
      </div>
      <PreviewPanel {...preview} deployError={deployError} />
    </section>
  )
}
