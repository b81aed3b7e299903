/**
 * Entry point of a worker thread that runs one decky's emulators for the local engine. A fault an
 * emulator did not catch (uncaught exception, unhandled rejection) ends this thread only: the
 * supervising process logs it and starts a fresh worker, so a decoy bug never takes the API down.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { Emulator, RunningEmulator } from '../emulator.ts'
import { createEmitter, type EventSink } from '../framework/events.ts'
import { startEmulator, testPersona, UnknownServiceError } from '../start.ts'
import type { DeckyWorkerData, FromWorker, ToWorker, WorkerServiceOptions } from './protocol.ts'

const port = parentPort
if (!port) throw new Error('decky-worker.ts runs only as a worker thread')
const { extraEmulators = {} } = (workerData ?? {}) as DeckyWorkerData
const running = new Map<number, RunningEmulator>()
const post = (message: FromWorker) => port.postMessage(message)
const sink: EventSink = (event) => post({ type: 'event', event })

async function start(slug: string, options: WorkerServiceOptions): Promise<RunningEmulator> {
  const extra = extraEmulators[slug]
  if (!extra) return startEmulator(slug, { ...options, onEvent: sink })
  const emulator = ((await import(extra)) as { emulator?: Emulator }).emulator
  if (!emulator) throw new UnknownServiceError(slug)
  const persona = options.persona ?? (await testPersona(slug, options))
  return emulator.start({
    decky: options.decky,
    service: slug,
    bindAddress: options.bindAddress,
    ports: options.ports ?? [0],
    config: options.config ?? {},
    persona,
    seed: persona.seed,
    hostname: options.hostname ?? persona.hostname,
    emit: createEmitter(options.decky, slug, sink),
  })
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'start') {
    start(message.slug, message.options).then(
      (emulator) => {
        running.set(message.id, emulator)
        post({ type: 'started', id: message.id, ports: emulator.ports })
      },
      (error: Error) => post({ type: 'start_failed', id: message.id, message: error.message }),
    )
  } else {
    const emulator = running.get(message.id)
    running.delete(message.id)
    const stopped = () => post({ type: 'stopped', id: message.id })
    if (!emulator) stopped()
    else emulator.close().then(stopped, stopped)
  }
})
