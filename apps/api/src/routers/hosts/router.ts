import { router } from '../../trpc.ts'
import { decommissionHostProcedure } from './decommission-host.ts'
import { enrollHostProcedure } from './enroll-host.ts'
import { getHostProcedure } from './get-host.ts'
import { listHostsProcedure } from './list-hosts.ts'

export const hostsRouter = router({
  list: listHostsProcedure,
  get: getHostProcedure,
  enroll: enrollHostProcedure,
  decommission: decommissionHostProcedure,
})
