// What the wizard reads from the API: the catalogue, the fleet (for free names), the global config
// and, for admins, the hosts a decky can be placed on.
import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { useTRPC } from '@/trpc/client.ts'
import type { DraftContext } from './wizard/plan.ts'

export function useWizardData(isAdmin: boolean) {
  const trpc = useTRPC()
  const services = useQuery(trpc.catalog.services.queryOptions())
  const archetypes = useQuery(trpc.catalog.archetypes.queryOptions())
  const distros = useQuery(trpc.catalog.distros.queryOptions())
  const fleet = useQuery(trpc.fleet.list.queryOptions())
  const config = useQuery(trpc.config.get.queryOptions())
  const hosts = useQuery(trpc.hosts.list.queryOptions(undefined, { enabled: isAdmin }))
  const context: DraftContext = useMemo(
    () => ({
      services: services.data ?? [],
      archetypes: archetypes.data ?? [],
      taken: new Set((fleet.data ?? []).map((d) => d.name)),
    }),
    [services.data, archetypes.data, fleet.data],
  )
  return {
    context,
    services: services.data ?? [],
    archetypes: archetypes.data ?? [],
    distros: distros.data ?? [],
    globalInterval: config.data?.globalMutationInterval,
    // Hosts a decky could go to (an unreachable one is listed, but cannot be picked).
    placeable: (hosts.data ?? []).filter((host) => host.status !== 'decommissioned'),
  }
}
