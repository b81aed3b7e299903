/**
 * Which service a piece of code runs for, when one process hosts all of a decky's services: a fault
 * nobody caught (an exception thrown from a timer, a rejected promise) is pinned on its service, so
 * the decoy restarts that service alone instead of dropping the decky's other sessions.
 *
 * A service starts inside `inServiceScope`; its listeners' handles inherit the scope, so connection
 * callbacks run in it. Node does not carry it on into an accepted socket's own events, which is why
 * `guardSocket` binds them back to it (and turns a throw from any listener, ssh2's included, into the
 * end of that one connection).
 */
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks'
import type { EventEmitter } from 'node:events'

const scope = new AsyncLocalStorage<string>()

export function inServiceScope<T>(service: string, run: () => T): T {
  return scope.run(service, run)
}

/** The service the running code belongs to, or undefined outside every service's scope. */
export function currentService(): string | undefined {
  return scope.getStore()
}

/**
 * Runs every listener of `socket` in the scope it was accepted in; a listener that throws ends this
 * connection (`destroy`), never the process.
 */
export function guardSocket(socket: EventEmitter & { destroy(): void }): void {
  const emit = AsyncResource.bind(socket.emit.bind(socket))
  socket.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    try {
      return emit(event, ...args)
    } catch {
      // Input an emulator (or its protocol library) did not foresee costs this connection only.
      socket.destroy()
      return false
    }
  }
}
