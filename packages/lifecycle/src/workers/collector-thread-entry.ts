// The collector thread's body: its own database handle, the collector worker (Docker log followers,
// ingest pipeline, heartbeat) and the bridge to the API's thread (collector-thread.ts).
import { parentPort, workerData } from 'node:worker_threads'
import { createDatabase } from '@decnet/db'
import type {
  CollectorThreadData,
  FromCollectorThread,
  ToCollectorThread,
} from './collector-thread-protocol.ts'
import { startCollectorWorker } from './collector-worker.ts'
import { isWorkerPaused } from './pause.ts'

const port = parentPort
if (!port) throw new Error('collector-thread-entry runs only as a worker thread')
const data = workerData as CollectorThreadData
const post = (message: FromCollectorThread) => port.postMessage(message)
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

const db = createDatabase(data.databaseUrl)
try {
  const worker = await startCollectorWorker({
    db,
    bus: { publish: (message) => post({ type: 'bus', message }) },
    engine: data.engine,
    ...(data.connection ? { connection: data.connection } : {}),
    ...(data.instance ? { instance: data.instance } : {}),
    ...(data.rescanIntervalMs ? { rescanIntervalMs: data.rescanIntervalMs } : {}),
    ...(data.heartbeatIntervalMs ? { heartbeatIntervalMs: data.heartbeatIntervalMs } : {}),
    ...(data.pauseCheckMs ? { pauseCheckMs: data.pauseCheckMs } : {}),
    ...(data.ingest ? { ingest: data.ingest } : {}),
    isPaused: () => isWorkerPaused(db.settings, 'collector'),
    onError: (error, context) => post({ type: 'error', context, message: messageOf(error) }),
  })
  // One host's follows and unfollows run one after another, in the order they came: overlapping,
  // an unfollow could stop a follower before the follow started it.
  const turns = new Map<string, Promise<void>>()
  const inTurn = (hostId: string, work: () => Promise<void>): Promise<void> => {
    const done = (turns.get(hostId) ?? Promise.resolve()).then(work)
    const settled = done.catch(() => undefined)
    turns.set(hostId, settled)
    void settled.then(() => {
      if (turns.get(hostId) === settled) turns.delete(hostId)
    })
    return done
  }
  const answer = async (id: number, work: () => Promise<void>) => {
    try {
      await work()
      post({ type: 'done', id })
    } catch (error) {
      post({ type: 'done', id, error: messageOf(error) })
    }
  }
  port.on('message', (message: ToCollectorThread) => {
    switch (message.type) {
      case 'events':
        for (const event of message.events) worker.eventSink(event)
        return
      case 'follow':
        void answer(message.id, () =>
          inTurn(message.hostId, () => worker.followHost(message.hostId, message.connection)),
        )
        return
      case 'unfollow':
        void answer(message.id, () => inTurn(message.hostId, () => worker.unfollowHost(message.hostId)))
        return
      case 'stop':
        void answer(message.id, async () => {
          await worker.stop()
          await db.close()
        }).then(() => port.close())
    }
  })
  post({ type: 'ready' })
} catch (error) {
  // Could not start (the database or Docker refused): the API's side reports it and tries again.
  await db.close().catch(() => undefined)
  throw error
}
