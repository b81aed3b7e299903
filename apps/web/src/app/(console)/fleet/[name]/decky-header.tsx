'use client'

import { useQueryClient } from '@tanstack/react-query'
import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { DeckyActions, DeckyStatus } from '@/components/decky-operations.tsx'
import { EditServicesDialog } from '@/components/edit-services-dialog.tsx'
import { useIsAdmin } from '@/components/session.tsx'
import { StatusNotice } from '@/components/status-notice.tsx'
import { operationCallbacks } from '@/lib/operation-callbacks.ts'
import { type RouterOutputs, useTRPC } from '@/trpc/client.ts'

export type DeckyView = RouterOutputs['fleet']['get']

/** Name, state, operations under way and the admin's actions (mutate with confirmation, repair, teardown). */
export function DeckyHeader({ decky }: { decky: DeckyView }) {
  const trpc = useTRPC()
  const isAdmin = useIsAdmin()
  const router = useRouter()
  const queryClient = useQueryClient()
  const [message, setMessage] = useState<string | null>(null)
  const [editing, setEditing] = useState(false)
  const running = [...decky.services, ...decky.customServices.map((service) => service.name)]
  const refresh = () => {
    queryClient.invalidateQueries({ queryKey: trpc.fleet.get.queryKey({ name: decky.name }) })
    queryClient.invalidateQueries({ queryKey: trpc.fleet.history.pathKey() })
  }

  return (
    <>
      <div className="decky-head">
        <div className="decky-title">
          <h1 data-testid="decky-name">{decky.name}</h1>
          <DeckyStatus decky={decky} />
        </div>
        {isAdmin && (
          <DeckyActions
            name={decky.name}
            onMessage={setMessage}
            refresh={refresh}
            // Once torn down the decky is gone: back to the fleet, where the teardown is followed live.
            afterTeardown={() => {
              queryClient.invalidateQueries({ queryKey: trpc.fleet.list.queryKey() })
              router.push('/fleet')
            }}
            className="row"
            testId="decky-actions"
          >
            <button
              type="button"
              onClick={() => setEditing(true)}
              aria-label={`Edit services of ${decky.name}`}
            >
              Edit services
            </button>
          </DeckyActions>
        )}
        {editing && (
          <EditServicesDialog
            name={decky.name}
            running={running}
            onClose={() => setEditing(false)}
            onStarted={(result) =>
              operationCallbacks('edit services of', decky.name, setMessage, refresh).onSuccess({
                message: result.message,
                lifecycleIds: [result.lifecycleId],
              })
            }
          />
        )}
      </div>
      <StatusNotice message={message} testId="decky-message" onDismiss={() => setMessage(null)} />
    </>
  )
}
