/** The typed messages carried by the bus. The database is the truth; these are notifications. */
import type { DeckyState, LifecycleOperation, LifecycleStatus } from '@decnet/core'

export type BusPayloads = {
  lifecycle: {
    lifecycleId: string
    decky: string
    operation: LifecycleOperation
    status: LifecycleStatus
    error?: string
    /** The transition's durable, global event id (subscribers resume from it); absent if unknown. */
    eventId?: number
  }
  mutation: {
    decky: string
    oldServices: string[]
    newServices: string[]
    trigger: 'operator' | 'schedule'
    actor?: string
  }
  state: {
    decky: string
    state: DeckyState
    previousState?: DeckyState
  }
  'log.ingested': {
    count: number
  }
  /**
   * A user's sessions may have ended or changed meaning (signed out, password changed or reset, user
   * deleted, role changed, bulk revocation). Open subscriptions re-check theirs against the database.
   */
  'session.changed': {
    userId: string
  }
}

export type BusEventType = keyof BusPayloads

/** The topic shape each message type travels on. */
export type BusTopicOf<K extends BusEventType> = K extends 'log.ingested'
  ? 'log.ingested'
  : K extends 'session.changed'
    ? 'session.changed'
    : `decky.${string}.${K}`

export type BusMessage<K extends BusEventType = BusEventType> = {
  [T in K]: { topic: BusTopicOf<T>; type: T; payload: BusPayloads[T] }
}[K]

/** A delivered message: the published one plus an id and a timestamp. */
export type BusEvent<K extends BusEventType = BusEventType> = {
  [T in K]: BusMessage<T> & { v: 1; id: string; ts: string }
}[K]
