import { errorMessage } from './errors.ts'
import { addTrackedOp } from './tracked-ops.ts'

type OperationsStarted = { message: string; lifecycleIds: string[] }

/**
 * Callbacks for a button that starts lifecycle operations on one target (a decky, a host): on
 * success the operations are tracked (the fleet page watches them live), the server's message shown
 * and `afterSuccess` run; on failure the error is shown after what was attempted ("repair web-1: …").
 */
export function operationCallbacks(
  verb: string,
  target: string,
  onMessage: (message: string) => void,
  afterSuccess: () => void,
) {
  return {
    onSuccess: (result: OperationsStarted) => {
      if (result.lifecycleIds.length > 0) {
        addTrackedOp(`${verb[0]?.toUpperCase() ?? ''}${verb.slice(1)} ${target}`, result.lifecycleIds)
      }
      onMessage(result.message)
      afterSuccess()
    },
    onError: (error: unknown) => onMessage(`${verb} ${target}: ${errorMessage(error)}`),
  }
}
