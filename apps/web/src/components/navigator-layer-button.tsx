'use client'

import { useState } from 'react'
import { useTRPCClient } from '@/trpc/client.ts'
import { ErrorAlert } from './error-alert.tsx'

/**
 * Saves the ATT&CK Navigator layer (the fleet's, or one attacker's) as a JSON file to open in the
 * Navigator (https://mitre-attack.github.io/attack-navigator/ → Open Existing Layer → Upload).
 */
export function NavigatorLayerButton({ attackerId }: { attackerId?: string }) {
  const client = useTRPCClient()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const save = async () => {
    setBusy(true)
    setError(null)
    try {
      const layer = await client.intel.navigatorLayer.query(attackerId ? { attackerId } : {})
      const url = URL.createObjectURL(
        new Blob([JSON.stringify(layer, null, 2)], { type: 'application/json' }),
      )
      const link = document.createElement('a')
      link.href = url
      link.download = attackerId ? 'decnet-attacker-layer.json' : 'decnet-fleet-layer.json'
      document.body.append(link)
      link.click()
      link.remove()
      URL.revokeObjectURL(url)
    } catch (caught) {
      setError(caught)
    } finally {
      setBusy(false)
    }
  }
  return (
    <span className="row">
      <button type="button" onClick={save} disabled={busy} data-testid="navigator-layer">
        {busy ? '…' : 'ATT&CK Navigator layer'}
      </button>
      {error !== null && <ErrorAlert error={error} />}
    </span>
  )
}
