// Multi-host placement: which Docker host a new decky goes to. Pure; the planner calls it.
import { DecnetError, quote } from '../errors.ts'
import type { NetworkContext } from '../net/allocate.ts'
import { LOCAL_HOST_ID } from '../schemas/hosts.ts'

/** A host deckies may be placed on (the API passes only active ones). */
export interface PlanHost {
  id: string
  name: string
  /** How many deckies it can hold; free capacity = capacity − deckies on it. */
  capacity: number
  /** Its decky network; absent for the built-in local host, which uses the fleet network. */
  network?: NetworkContext
  /**
   * False: only deckies that name it or already live on it go there (e.g. its engine does not answer
   * right now). When no host is automatic, every host is.
   */
  automatic?: boolean
}

export const LOCAL_PLAN_HOST: PlanHost = {
  id: LOCAL_HOST_ID,
  name: LOCAL_HOST_ID,
  capacity: Number.POSITIVE_INFINITY,
}

/** Where a decky should go: its INI `host =`, else where it already is, else automatic. */
export interface PlacementRequest {
  decky: string
  /** INI `host = name`, or null. */
  hostName: string | null
  /** The host id an existing decky of this name lives on (replace mode), or undefined. */
  currentHostId: string | undefined
  /** For automatic placement: only these hosts fit (e.g. those whose network holds its explicit IP). */
  fits?: (host: PlanHost) => boolean
  at: { line: number; section: string }
}

/**
 * Places deckies one after another. `load` starts as the deckies each host keeps and grows with every
 * placement, so an automatic decky goes to the host with the most free capacity at that moment (ties:
 * the earlier host in the list), which spreads a fleet evenly over equal hosts.
 */
export class Placement {
  private readonly load = new Map<string, number>()
  private readonly byName: Map<string, PlanHost>
  private readonly byId: Map<string, PlanHost>

  constructor(
    private readonly hosts: readonly PlanHost[],
    keptHostIds: Iterable<string>,
  ) {
    if (hosts.length === 0) throw new DecnetError('invalid_input', 'no active host to place deckies on')
    this.byName = new Map(hosts.map((host) => [host.name, host]))
    this.byId = new Map(hosts.map((host) => [host.id, host]))
    for (const id of keptHostIds) this.load.set(id, (this.load.get(id) ?? 0) + 1)
  }

  place(request: PlacementRequest): PlanHost {
    const named = request.hostName === null ? undefined : this.byName.get(request.hostName)
    if (request.hostName !== null && !named) {
      throw new DecnetError('not_found', `host ${quote(request.hostName)} is not an active host`, {
        ...request.at,
        key: 'host',
      })
    }
    if (request.currentHostId !== undefined) {
      const current = this.byId.get(request.currentHostId)
      if (named && named.id !== request.currentHostId) {
        throw new DecnetError(
          'conflict',
          `decky ${quote(request.decky)} runs on another host; tear it down before placing it on ${quote(named.name)}`,
          { ...request.at, key: 'host' },
        )
      }
      if (!current) {
        throw new DecnetError(
          'conflict',
          `decky ${quote(request.decky)} is on a host that is not active; it cannot be changed until that host answers`,
          request.at,
        )
      }
      return this.take(current)
    }
    return this.take(named ?? this.mostFree(request.fits))
  }

  private mostFree(fits: PlacementRequest['fits']): PlanHost {
    const fitting = fits ? this.hosts.filter(fits) : this.hosts
    // None fits: place as usual, and let the host's own checks say why it cannot go there.
    const pool = fitting.length > 0 ? fitting : this.hosts
    const automatic = pool.filter((host) => host.automatic !== false)
    let best: PlanHost | undefined
    let bestFree = Number.NEGATIVE_INFINITY
    for (const host of automatic.length > 0 ? automatic : pool) {
      const free = host.capacity - (this.load.get(host.id) ?? 0)
      if (free > bestFree) {
        best = host
        bestFree = free
      }
    }
    return best as PlanHost
  }

  private take(host: PlanHost): PlanHost {
    this.load.set(host.id, (this.load.get(host.id) ?? 0) + 1)
    return host
  }
}
