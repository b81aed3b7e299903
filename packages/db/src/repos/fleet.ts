// Fleet: the Decky table (the one source of truth) and the transactional deploy-plan commit.
import {
  type CustomService,
  DECKY_STATES,
  type DeckyState,
  deckyTopologySchema,
  type LifecycleOperation,
  LOCAL_HOST_ID,
  type Persona,
  parseObject,
  parseStringArray,
  ZCustomServices,
  ZPersona,
} from '@decnet/core'
import type { Connection, Tx } from '../client.ts'
import { knownValue } from '../columns.ts'
import { ConflictError, isUniqueViolation, NotFoundError } from '../errors.ts'
import type { DeckyModel } from '../generated/client/sqlite/models.ts'
import { orderedId } from '../ids.ts'
import { prismaExecutor } from '../sql.ts'
import type { Decky, DeckyInput } from '../types.ts'
import { appendLifecycleEvents } from './lifecycle-events.ts'

// Prisma's defaults (2 s to get a connection, 5 s to finish) are too tight when twenty deploys queue
// on one unique index under load; a slow commit must not turn into a spurious failure.
export const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 }

/**
 * What the API decided a deploy/teardown call means, committed all or nothing.
 * - `create`: new deckies; a name or (host, IP) already taken is a conflict.
 * - `update`: existing deckies re-specified (replace mode); redeployed in place.
 * - `remove`: deckies to tear down. Their rows go at once, freeing name and IP; the teardown
 *   lifecycle row's payload keeps what the runner needs to find their containers. A decky whose host
 *   is `unreachable` cannot be torn down now: its row stays as `pending_removal` (name and IP still
 *   reserved, so nothing new takes them while its containers may live) until the host answers and
 *   its containers are gone.
 * - `forget`: deckies removed at once even when their host does not answer (a silent host's
 *   decommission, which records what was left there).
 */
export interface DeployPlan {
  create?: DeckyInput[]
  update?: DeckyInput[]
  remove?: string[]
  forget?: string[]
}

export interface DeployPlanResult {
  /** One per decky, in plan order: creates, updates, removes. */
  lifecycleIds: string[]
}

export function toDecky(row: DeckyModel): Decky {
  return {
    ...row,
    services: parseStringArray(row.services),
    serviceConfig: parseObject(row.serviceConfig) as Decky['serviceConfig'],
    customServices: ZCustomServices.parse(JSON.parse(row.customServices)),
    state: knownValue(DECKY_STATES, row.state, 'Decky.state'),
    persona: row.persona === null ? null : ZPersona.parse(JSON.parse(row.persona)),
    topology: row.topology === null ? null : deckyTopologySchema.parse(JSON.parse(row.topology)),
  }
}

function deckyData(input: DeckyInput) {
  return {
    hostId: input.hostId ?? LOCAL_HOST_ID,
    ip: input.ip,
    mac: input.mac,
    hostname: input.hostname,
    distro: input.distro,
    archetype: input.archetype ?? null,
    services: JSON.stringify(input.services),
    serviceConfig: JSON.stringify(input.serviceConfig ?? {}),
    customServices: JSON.stringify(input.customServices ?? []),
    osFamily: input.osFamily,
    mutateInterval: input.mutateInterval ?? null,
    persona: input.persona ? JSON.stringify(input.persona) : null,
    topology: input.topology ? JSON.stringify(input.topology) : null,
  }
}

function lifecycleData(deckyName: string, hostId: string, operation: LifecycleOperation, payload: object) {
  return { id: orderedId(), deckyName, hostId, operation, payload: JSON.stringify(payload) }
}

/**
 * Inside the caller's transaction: queues a `repair` of a decky (its recorded spec converged again),
 * with its `pending` event. Throws NotFoundError for an unknown decky.
 */
export async function queueRepair(
  tx: Tx,
  dialect: Connection['dialect'],
  name: string,
  payload: Record<string, unknown>,
): Promise<{ lifecycleId: string }> {
  const row = await tx.decky.findUnique({ where: { name }, select: { hostId: true } })
  if (!row) throw new NotFoundError(`decky "${name}" not found`)
  const lifecycle = lifecycleData(name, row.hostId, 'repair', payload)
  await tx.lifecycle.create({ data: lifecycle })
  await appendLifecycleEvents(prismaExecutor(tx, dialect), dialect, [lifecycle.id])
  return { lifecycleId: lifecycle.id }
}

const ipKey = (hostId: string, ip: string) => `${hostId}\u0000${ip}`

/** Names and IPs in `plan.create` that clash with each other or with rows in the table. */
async function findConflicts(tx: Tx | Connection['prisma'], creates: DeckyInput[]): Promise<string[]> {
  const messages: string[] = []
  const names = new Set<string>()
  const ips = new Set<string>()
  for (const decky of creates) {
    const hostId = decky.hostId ?? LOCAL_HOST_ID
    if (names.has(decky.name)) messages.push(`decky "${decky.name}" appears twice in the plan`)
    if (ips.has(ipKey(hostId, decky.ip))) messages.push(`IP ${decky.ip} is assigned twice in the plan`)
    names.add(decky.name)
    ips.add(ipKey(hostId, decky.ip))
  }
  if (creates.length === 0) return messages
  const existing = await tx.decky.findMany({
    where: {
      OR: [
        { name: { in: [...names] } },
        ...creates.map((decky) => ({ hostId: decky.hostId ?? LOCAL_HOST_ID, ip: decky.ip })),
      ],
    },
    select: { name: true, hostId: true, ip: true },
  })
  for (const row of existing) {
    if (names.has(row.name)) messages.push(`decky "${row.name}" already exists`)
    else if (ips.has(ipKey(row.hostId, row.ip))) {
      messages.push(`IP ${row.ip} is already used by decky "${row.name}" on host ${row.hostId}`)
    }
  }
  return messages
}

/** The fields of a removed decky a teardown row keeps, enough to hold its name and IP again. */
function removedRecord(row: DeckyModel) {
  return {
    mac: row.mac,
    hostname: row.hostname,
    distro: row.distro,
    archetype: row.archetype,
    services: row.services,
    serviceConfig: row.serviceConfig,
    customServices: row.customServices,
    osFamily: row.osFamily,
    persona: row.persona,
    topology: row.topology,
  }
}

/** Refuses a change judged against services the decky no longer runs (a concurrent change won). */
function assertRunsExpected(
  name: string,
  running: readonly string[],
  expected: readonly string[] | undefined,
  judged: string,
): void {
  if (!expected || (expected.length === running.length && expected.every((s) => running.includes(s)))) return
  throw new ConflictError(
    `decky "${name}" runs ${running.join(', ')} now, not the ${expected.join(', ')} ${judged}`,
    [name],
  )
}

function conflictError(messages: string[]): ConflictError {
  return new ConflictError(messages.join('; '), messages)
}

export function fleetRepository(conn: Connection) {
  const { prisma, dialect } = conn
  // Each new lifecycle row's `pending` is its first event, written last in the row's own transaction.
  const recordPending = (tx: Tx, lifecycleIds: string[]) =>
    appendLifecycleEvents(prismaExecutor(tx, dialect), dialect, lifecycleIds)
  return {
    list: (): Promise<Decky[]> =>
      conn.read(async ({ prisma }) =>
        (await prisma.decky.findMany({ orderBy: { name: 'asc' } })).map(toDecky),
      ),
    get: (name: string): Promise<Decky | null> =>
      conn.read(async ({ prisma }) => {
        const row = await prisma.decky.findUnique({ where: { name } })
        return row ? toDecky(row) : null
      }),
    count: (): Promise<number> => conn.read(({ prisma }) => prisma.decky.count()),

    /**
     * Stores `persona` for a decky that has none yet (a row from before personas) and returns the
     * decky's persona: the given one, or the one another writer stored first.
     */
    ensurePersona: (name: string, persona: Persona): Promise<Persona> =>
      conn.run(async () => {
        await prisma.decky.updateMany({
          where: { name, persona: null },
          data: { persona: JSON.stringify(persona) },
        })
        const row = await prisma.decky.findUnique({ where: { name }, select: { persona: true } })
        if (!row) throw new NotFoundError(`decky "${name}" not found`)
        return row.persona === null ? persona : ZPersona.parse(JSON.parse(row.persona))
      }),
    countByState: (state: DeckyState): Promise<number> =>
      conn.read(({ prisma }) => prisma.decky.count({ where: { state } })),

    /** Decky count per host id (hosts.list shows it). */
    countByHost: (): Promise<Record<string, number>> =>
      conn.read(async ({ prisma }) => {
        const groups = await prisma.decky.groupBy({ by: ['hostId'], _count: { _all: true } })
        return Object.fromEntries(groups.map((group) => [group.hostId, group._count._all]))
      }),

    /** Inserts/updates/removes deckies and their lifecycle rows in one transaction. */
    commitDeployPlan(plan: DeployPlan): Promise<DeployPlanResult> {
      const creates = plan.create ?? []
      const updates = plan.update ?? []
      const removes = plan.remove ?? []
      const forgets = plan.forget ?? []
      return conn.run(async () => {
        try {
          return await prisma.$transaction(async (tx) => {
            // Removes and updates go first so a create may reuse a name or IP they free.
            const removed: ReturnType<typeof lifecycleData>[] = []
            const unreachable = new Set(
              (await tx.host.findMany({ where: { status: 'unreachable' }, select: { id: true } })).map(
                (host) => host.id,
              ),
            )
            for (const name of [...removes, ...forgets]) {
              const row = await tx.decky.findUnique({ where: { name } })
              if (!row) throw new NotFoundError(`decky "${name}" not found`)
              if (unreachable.has(row.hostId) && !forgets.includes(name)) {
                await tx.decky.update({ where: { name }, data: { state: 'pending_removal' } })
              } else {
                await tx.decky.delete({ where: { name } })
              }
              // The whole row too: a teardown its host never finished puts it back as pending_removal.
              // A forgotten decky never comes back (its host's leftovers are recorded and swept instead),
              // even when that host's supervisor fails the row before the decommission does.
              const payload = {
                ip: row.ip,
                services: parseStringArray(row.services),
                ...(forgets.includes(name) ? { forgotten: true } : { decky: removedRecord(row) }),
              }
              removed.push(lifecycleData(name, row.hostId, 'teardown', payload))
            }
            const updated: ReturnType<typeof lifecycleData>[] = []
            for (const decky of updates) {
              const result = await tx.decky.updateMany({
                where: { name: decky.name },
                data: { ...deckyData(decky), state: 'pending', lastError: null },
              })
              if (result.count === 0) throw new NotFoundError(`decky "${decky.name}" not found`)
              updated.push(lifecycleData(decky.name, decky.hostId ?? LOCAL_HOST_ID, 'deploy', {}))
            }
            const conflicts = await findConflicts(tx, creates)
            if (conflicts.length > 0) throw conflictError(conflicts)
            const created: ReturnType<typeof lifecycleData>[] = []
            for (const decky of creates) {
              await tx.decky.create({ data: { name: decky.name, ...deckyData(decky) } })
              created.push(lifecycleData(decky.name, decky.hostId ?? LOCAL_HOST_ID, 'deploy', {}))
            }
            const lifecycles = [...created, ...updated, ...removed]
            if (lifecycles.length > 0) await tx.lifecycle.createMany({ data: lifecycles })
            await recordPending(
              tx,
              lifecycles.map((row) => row.id),
            )
            return { lifecycleIds: lifecycles.map((row) => row.id) }
          }, TX_OPTIONS)
        } catch (error) {
          if (!isUniqueViolation(error)) throw error
          // A concurrent plan committed the same name/IP between our check and insert (PostgreSQL).
          // Re-run the check against what is committed now to name the clash.
          const conflicts = await findConflicts(prisma, creates)
          throw conflictError(
            conflicts.length > 0 ? conflicts : ['a decky name or IP in the plan is already taken'],
          )
        }
      })
    },

    /** Commits new services for a mutation and queues the runner's mutate operation. */
    /**
     * Commits a mutation: the decky's new services and settings and a `mutate` lifecycle row whose payload
     * records the services it replaced and the ones it gets (`previousServices` → `services`) and who
     * asked. With `expectedServices`, refused (ConflictError) when the decky no longer runs exactly those:
     * the operator confirmed a change from a set that is gone.
     */
    commitMutation(
      name: string,
      services: string[],
      serviceConfig: Record<string, Record<string, unknown>>,
      at = new Date(),
      options: { origin?: { trigger: string; actor?: string }; expectedServices?: readonly string[] } = {},
    ): Promise<{ lifecycleId: string; previousServices: string[] }> {
      return conn.run(() =>
        prisma.$transaction(async (tx) => {
          const row = await tx.decky.findUnique({ where: { name } })
          if (!row) throw new NotFoundError(`decky "${name}" not found`)
          if (row.state === 'pending_removal') {
            throw new ConflictError(`decky "${name}" is being removed`, [name])
          }
          const previousServices = parseStringArray(row.services)
          assertRunsExpected(
            name,
            previousServices,
            options.expectedServices,
            'the mutation was confirmed from',
          )
          await tx.decky.update({
            where: { name },
            data: {
              services: JSON.stringify(services),
              serviceConfig: JSON.stringify(serviceConfig),
              lastMutatedAt: at,
            },
          })
          const lifecycle = lifecycleData(name, row.hostId, 'mutate', {
            previousServices,
            services,
            ...(options.origin ?? {}),
          })
          await tx.lifecycle.create({ data: lifecycle })
          await recordPending(tx, [lifecycle.id])
          return { lifecycleId: lifecycle.id, previousServices }
        }, TX_OPTIONS),
      )
    },

    /**
     * Commits a live service edit: the decky's new services, settings and custom services and an
     * `edit_services` lifecycle row (payload: services before and after, who asked). Refused
     * (ConflictError) when the decky no longer runs `expected` (catalogue and custom names), the set
     * the edit was judged against, or is being removed.
     */
    commitServiceEdit(
      name: string,
      change: {
        services: string[]
        serviceConfig: Record<string, Record<string, unknown>>
        customServices: CustomService[]
      },
      expected: readonly string[],
      origin: { trigger: string; actor?: string },
    ): Promise<{ lifecycleId: string }> {
      return conn.run(() =>
        prisma.$transaction(async (tx) => {
          const row = await tx.decky.findUnique({ where: { name } })
          if (!row) throw new NotFoundError(`decky "${name}" not found`)
          if (row.state === 'pending_removal')
            throw new ConflictError(`decky "${name}" is being removed`, [name])
          const previousServices = [
            ...parseStringArray(row.services),
            ...ZCustomServices.parse(JSON.parse(row.customServices)).map((service) => service.name),
          ]
          assertRunsExpected(name, previousServices, expected, 'the edit was judged against')
          await tx.decky.update({
            where: { name },
            data: {
              services: JSON.stringify(change.services),
              serviceConfig: JSON.stringify(change.serviceConfig),
              customServices: JSON.stringify(change.customServices),
            },
          })
          const lifecycle = lifecycleData(name, row.hostId, 'edit_services', {
            previousServices,
            services: [...change.services, ...change.customServices.map((service) => service.name)],
            ...origin,
          })
          await tx.lifecycle.create({ data: lifecycle })
          await recordPending(tx, [lifecycle.id])
          return { lifecycleId: lifecycle.id }
        }, TX_OPTIONS),
      )
    },

    /**
     * A decky kept as `pending_removal` whose containers are now gone: its row goes, freeing its name
     * and IP. Only while it is still that decky on that host (not deployed again meanwhile).
     */
    deletePendingRemoval: (name: string, hostId: string): Promise<boolean> =>
      conn.run(
        async () =>
          (await prisma.decky.deleteMany({ where: { name, hostId, state: 'pending_removal' } })).count > 0,
      ),

    /**
     * A teardown its host never finished (it stopped answering): the decky comes back as
     * `pending_removal` from the row's payload, holding its name and IP while its containers may live,
     * unless something else took either meanwhile. True when it was put back.
     */
    restorePendingRemoval: (
      name: string,
      hostId: string,
      payload: Record<string, unknown>,
    ): Promise<boolean> =>
      conn.run(async () => {
        const kept = payload.decky as Partial<ReturnType<typeof removedRecord>> | undefined
        const ip = payload.ip
        if (!kept || typeof ip !== 'string' || typeof kept.mac !== 'string') return false
        try {
          return await prisma.$transaction(async (tx) => {
            const taken = await tx.decky.findFirst({ where: { OR: [{ name }, { hostId, ip }] } })
            if (taken) return false
            await tx.decky.create({
              data: {
                name,
                hostId,
                ip,
                mac: kept.mac ?? '',
                hostname: kept.hostname ?? name,
                distro: kept.distro ?? '',
                archetype: kept.archetype ?? null,
                services: kept.services ?? '[]',
                serviceConfig: kept.serviceConfig ?? '{}',
                customServices: kept.customServices ?? '[]',
                osFamily: kept.osFamily ?? '',
                persona: typeof kept.persona === 'string' ? kept.persona : null,
                topology: typeof kept.topology === 'string' ? kept.topology : null,
                state: 'pending_removal',
                lastError: 'its host stopped answering during the teardown',
              },
            })
            return true
          }, TX_OPTIONS)
        } catch (error) {
          if (isUniqueViolation(error)) return false
          throw error
        }
      }),

    /**
     * Queues a deploy for every decky on `hostId` recorded in one of `states` (rows abandoned while the
     * host did not answer), so Docker there converges to the Decky table again. Their lifecycle ids.
     */
    redeployHost: (hostId: string, states: readonly DeckyState[]): Promise<string[]> =>
      conn.run(() =>
        prisma.$transaction(async (tx) => {
          const rows = await tx.decky.findMany({
            where: { hostId, state: { in: [...states] } },
            orderBy: { name: 'asc' },
          })
          const lifecycles = rows.map((row) => lifecycleData(row.name, hostId, 'deploy', {}))
          if (rows.length === 0) return []
          await tx.decky.updateMany({
            where: { hostId, name: { in: rows.map((row) => row.name) }, state: { in: [...states] } },
            data: { state: 'pending', lastError: null },
          })
          await tx.lifecycle.createMany({ data: lifecycles })
          return lifecycles.map((row) => row.id)
        }, TX_OPTIONS),
      ),

    /**
     * Queues a `repair` operation for a decky (its recorded spec is converged again); `payload` says
     * who asked and why (automatic attempt n of N, or the operator).
     */
    commitRepair(name: string, payload: Record<string, unknown>): Promise<{ lifecycleId: string }> {
      return conn.run(() => prisma.$transaction((tx) => queueRepair(tx, dialect, name, payload), TX_OPTIONS))
    },

    /**
     * Queues an `upgrade` (recreate on the host's current decoy image, spec unchanged) for each named
     * decky still in the fleet; `payload` names the image rollout. Their lifecycle ids, in order.
     */
    commitUpgrade(names: readonly string[], payload: Record<string, unknown>): Promise<string[]> {
      return conn.run(() =>
        prisma.$transaction(async (tx) => {
          const rows = await tx.decky.findMany({
            where: { name: { in: [...names] }, state: { not: 'pending_removal' } },
            select: { name: true, hostId: true },
            orderBy: { name: 'asc' },
          })
          const lifecycles = rows.map((row) => lifecycleData(row.name, row.hostId, 'upgrade', payload))
          if (lifecycles.length === 0) return []
          await tx.lifecycle.createMany({ data: lifecycles })
          await recordPending(
            tx,
            lifecycles.map((row) => row.id),
          )
          return lifecycles.map((row) => row.id)
        }, TX_OPTIONS),
      )
    },

    setState: (name: string, state: DeckyState, lastError: string | null = null): Promise<boolean> =>
      conn.run(
        async () =>
          (await prisma.decky.updateMany({ where: { name }, data: { state, lastError } })).count > 0,
      ),

    setMutateInterval: (name: string, minutes: number | null): Promise<void> =>
      conn.run(async () => {
        const result = await prisma.decky.updateMany({ where: { name }, data: { mutateInterval: minutes } })
        if (result.count === 0) throw new NotFoundError(`decky "${name}" not found`)
      }),
  }
}
