import { LOCAL_HOST_ID } from '@decnet/core'
import type { Host } from '@decnet/db'
import type { HostRuntime } from './host-runtime.ts'
import { HostSupervisor, type HostSupervisorOptions } from './host-supervisor.ts'

export { hostAnswering } from './host-supervision.ts'

/**
 * The enrolled hosts' workers: one `HostSupervisor` per host, kept in step with the Host table and told
 * what the heartbeat sees. A host that answers gets a runtime (engine over mutual TLS, runner,
 * reconciler) and its decoy logs followed; one that stops answering loses them and its unfinished
 * lifecycle rows fail with the reason; a decommissioning host whose deckies are all gone is swept clean,
 * then becomes decommissioned. The decisions are host-supervision.ts's.
 */
export class EnrolledHostWorkers {
  private readonly supervisors = new Map<string, HostSupervisor>()
  private syncing: Promise<void> = Promise.resolve()
  private readonly sweepTimer: NodeJS.Timeout

  constructor(
    private readonly options: HostSupervisorOptions & {
      /** Period of the orphan sweep of every answering host. */
      orphanSweepMs: number
    },
  ) {
    this.sweepTimer = setInterval(() => this.sweepAll(), options.orphanSweepMs)
  }

  /** The runtimes driving their hosts now. */
  get all(): HostRuntime[] {
    return [...this.supervisors.values()].flatMap((supervisor) => supervisor.runtime ?? [])
  }

  /** Brings every supervisor in line with the Host table; calls run one after another. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(
      () => this.syncOnce(),
      () => this.syncOnce(),
    )
    return this.syncing
  }

  /** The heartbeat marked the host unreachable (the row it read still has the status before). */
  markUnreachable(host: Host, reason: string): Promise<void> {
    return this.supervisorOf(host).handle({ kind: 'unreachable', reason }, { ...host, status: 'unreachable' })
  }

  /** A host being decommissioned stopped answering: it stays decommissioning. */
  markSilentWhileDecommissioning(host: Host, reason: string): Promise<void> {
    return this.supervisorOf(host).handle({ kind: 'silent', reason }, host)
  }

  /** A host decommissioned without answering answers again: what was left on it is swept (in the background). */
  sweepLeftovers(host: Host): Promise<void> {
    return this.supervisorOf(host).handle({ kind: 'leftoversAnswered' }, host)
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer)
    await this.syncing.catch(() => undefined)
    await Promise.all([...this.supervisors.values()].map((supervisor) => supervisor.stop()))
  }

  private supervisorOf(host: Host): HostSupervisor {
    let supervisor = this.supervisors.get(host.id)
    if (!supervisor) {
      supervisor = new HostSupervisor(host, this.options)
      this.supervisors.set(host.id, supervisor)
    }
    return supervisor
  }

  private async syncOnce(): Promise<void> {
    const { db, report } = this.options
    const hosts = (await db.hosts.list()).filter((host) => host.id !== LOCAL_HOST_ID)
    const workLeft = await this.decommissionsUnderWay(hosts)
    for (const host of hosts) {
      await this.supervisorOf(host)
        .handle({ kind: 'sync' }, host, workLeft.has(host.id))
        .catch(report(`host ${host.name}`))
    }
  }

  /** Decommissioning hosts whose teardowns are not done: deckies on them, or lifecycle rows. */
  private async decommissionsUnderWay(hosts: Host[]): Promise<Set<string>> {
    if (!hosts.some((host) => host.status === 'decommissioning')) return new Set()
    const { db } = this.options
    const [deckies, active] = await Promise.all([db.fleet.list(), db.lifecycle.listActive()])
    const hostIds = [
      // A pending_removal decky (its teardown cut short while the host was silent) is the final sweep's to remove.
      ...deckies.filter((decky) => decky.state !== 'pending_removal').map((decky) => decky.hostId),
      ...active.map((row) => row.hostId),
    ]
    return new Set(hostIds.filter((id): id is string => id !== null))
  }

  /** The periodic sweep: each supervisor is given its host's row as it is now. */
  private sweepAll(): void {
    const { db, report } = this.options
    for (const [id, supervisor] of this.supervisors) {
      if (supervisor.phase !== 'running') continue
      void db.hosts
        .get(id)
        .then((host) => (host ? supervisor.handle({ kind: 'periodicSweep' }, host) : undefined))
        .catch(report(`host ${id} sweep`))
    }
  }
}
