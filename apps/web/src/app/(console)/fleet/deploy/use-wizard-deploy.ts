import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { Dispatch } from 'react'
import { addTrackedOp } from '@/lib/tracked-ops.ts'
import { useTRPC } from '@/trpc/client.ts'
import type { WizardAction } from './wizard/draft.ts'

type DeployInput = {
  ini: string
  replace: boolean
  /** Every draw of the plan (host names, MACs, services) comes from this seed. */
  seed: string
  /** The review step is open: only then is the preview asked for. */
  reviewing: boolean
  dispatch: Dispatch<WizardAction>
}

/**
 * The wizard's two calls: the preview of what a deploy of `ini` would do, and the deploy itself,
 * which the API refuses if the fleet changed since that preview (see PreviewPanel).
 */
export function useWizardDeploy({ ini, replace, seed, reviewing, dispatch }: DeployInput) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const refreshFleet = () => queryClient.invalidateQueries({ queryKey: trpc.fleet.list.queryKey() })
  const preview = useQuery(
    trpc.fleet.preview.queryOptions(
      { ini, replaceFleet: replace, seed },
      // The default retry: a network blip is retried once, an error about the INI never.
      { enabled: reviewing && ini.trim().length > 0, staleTime: 0 },
    ),
  )
  const deploy = useMutation(
    trpc.fleet.deploy.mutationOptions({
      onSuccess: (result) => {
        const count = result.lifecycleIds.length
        if (count > 0)
          addTrackedOp(`Deploy ${count === 1 ? 'of 1 decky' : `of ${count} deckies`}`, result.lifecycleIds)
        if (result.teardownIds.length > 0) addTrackedOp('Teardown (replace fleet)', result.teardownIds)
        dispatch({
          type: 'deployed',
          submitted: { ids: result.lifecycleIds, message: result.message, teardownIds: result.teardownIds },
        })
        void refreshFleet()
      },
      // A CONFLICT may mean the fleet changed since the preview: show what a deploy would do now.
      onError: () => void preview.refetch(),
    }),
  )
  return { preview, deploy, refreshFleet }
}
