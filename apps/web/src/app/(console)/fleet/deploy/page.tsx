'use client'

// The deploy wizard: a draft in a reducer (wizard/draft.ts), validated and rendered to an INI by pure
// functions (wizard/validate.ts, wizard/build-ini.ts), one component per step (steps/).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import Link from 'next/link'
import { useReducer, useState } from 'react'
import { EngineBanner } from '@/components/engine-banner.tsx'
import { useIsAdmin } from '@/components/session.tsx'
import { addTrackedOp } from '@/lib/tracked-ops.ts'
import { useTRPC } from '@/trpc/client.ts'
import { ConfigureStep } from './steps/configure-step.tsx'
import { MutationStep } from './steps/mutation-step.tsx'
import { ProgressStep } from './steps/progress-step.tsx'
import { ReviewStep } from './steps/review-step.tsx'
import { ServicesStep } from './steps/services-step.tsx'
import { StepList, WizardFoot } from './steps/wizard-nav.tsx'
import { useWizardData } from './use-wizard-data.ts'
import { buildIni } from './wizard/build-ini.ts'
import { initialWizard, PROGRESS_STEP, REVIEW_STEP, wizardReducer } from './wizard/draft.ts'
import { effectiveServices, expectationOf, newPlanSeed, plannedIps, plannedNames } from './wizard/plan.ts'
import { canLeaveStep, stepMessages, validateDraft } from './wizard/validate.ts'

export default function DeployWizardPage() {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const isAdmin = useIsAdmin()
  const data = useWizardData(isAdmin)
  const { context } = data
  const [{ step, draft, submitted }, dispatch] = useReducer(wizardReducer, initialWizard)
  const errors = validateDraft(draft, context)
  const generated = buildIni(draft, context)
  const ini = draft.ownIni ? draft.customIni : generated.ok ? generated.ini : ''
  const replace = draft.ownIni && draft.replaceFleet
  const refreshFleet = () => queryClient.invalidateQueries({ queryKey: trpc.fleet.list.queryKey() })
  // Every draw of the plan (host names, MACs, services) comes from this seed: the preview shows what
  // the deploy commits, and the deploy is refused if the fleet changed in between (see PreviewPanel).
  const [seed, setSeed] = useState(newPlanSeed)

  const preview = useQuery(
    trpc.fleet.preview.queryOptions(
      { ini, replaceFleet: replace, seed },
      // The default retry: a network blip is retried once, an error about the INI never.
      { enabled: isAdmin && step === REVIEW_STEP && ini.trim().length > 0, staleTime: 0 },
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

  if (!isAdmin) {
    return (
      <>
        <h1>Deploy deckies</h1>
        <p className="notice" role="note">
          Deploying needs the admin role. You can follow the fleet on the{' '}
          <Link href="/fleet">fleet page</Link>.
        </p>
      </>
    )
  }

  const canDeploy =
    step === REVIEW_STEP &&
    !deploy.isPending &&
    preview.isSuccess &&
    preview.data.create.length + preview.data.remove.length > 0
  const chosen = effectiveServices(draft, context)

  return (
    <>
      <div className="topbar">
        <h1 style={{ margin: 0 }}>Deploy deckies</h1>
        <Link href="/fleet" className="button" data-testid="close-wizard">
          {step === PROGRESS_STEP ? 'Close' : 'Cancel'}
        </Link>
      </div>
      <EngineBanner />
      <StepList step={step} />
      {step === 0 && (
        <ServicesStep
          draft={draft}
          dispatch={dispatch}
          services={data.services}
          archetypes={data.archetypes}
          distros={data.distros}
          problems={stepMessages(errors, 'services')}
        />
      )}
      {step === 1 && (
        <ConfigureStep
          draft={draft}
          dispatch={dispatch}
          names={plannedNames(draft, context.taken)}
          ips={plannedIps(draft)}
          placeable={data.placeable}
          services={data.services}
          chosen={chosen}
          errors={errors.configure}
        />
      )}
      {step === 2 && (
        <MutationStep
          draft={draft}
          dispatch={dispatch}
          globalInterval={data.globalInterval}
          problems={stepMessages(errors, 'mutation')}
        />
      )}
      {step === REVIEW_STEP && (
        <ReviewStep
          draft={draft}
          dispatch={dispatch}
          generated={generated}
          masked={buildIni(draft, context, { maskSecrets: true })}
          preview={{
            fetching: preview.isFetching,
            error: preview.isError ? preview.error : null,
            data: preview.isSuccess ? preview.data : undefined,
          }}
          deployError={deploy.isError ? deploy.error : null}
        />
      )}
      {step === PROGRESS_STEP && submitted && <ProgressStep submitted={submitted} onEvent={refreshFleet} />}
      <WizardFoot
        step={step}
        dispatch={dispatch}
        canNext={canLeaveStep(errors, step)}
        canDeploy={canDeploy}
        deploying={deploy.isPending}
        replace={replace}
        onDeploy={() =>
          preview.data &&
          deploy.mutate({
            ini,
            replaceFleet: replace,
            seed: preview.data.seed,
            expected: expectationOf(preview.data),
          })
        }
        onRestart={() => {
          dispatch({ type: 'restart' })
          setSeed(newPlanSeed())
          deploy.reset()
        }}
      />
    </>
  )
}
