import type { Emulator, EmulatorContext, RunningEmulator } from '../../emulator.ts'
import { type HttpReply, type HttpRequest, listenHttp } from '../../framework/http.ts'
import { running } from '../../framework/listeners.ts'
import { emitCredentialAttempt } from '../http/credentials.ts'

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpReply => ({
  status,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: `${JSON.stringify(body)}\n`,
})

/**
 * A fake JSON API on plain HTTP (elasticsearch, k8s, docker_api): the handler is built once per
 * emulator from its context; every request is logged and any credential sent is captured.
 */
export function jsonApiEmulator(
  slug: string,
  defaultPorts: number[],
  build: (ctx: EmulatorContext) => {
    defaultHeaders?: Record<string, string>
    handle(request: HttpRequest): HttpReply
  },
): Emulator {
  return {
    slug,
    defaultPorts,
    async start(ctx: EmulatorContext): Promise<RunningEmulator> {
      const api = build(ctx)
      const listeners = await listenHttp({
        ctx,
        ports: ctx.ports,
        ...(api.defaultHeaders ? { defaultHeaders: api.defaultHeaders } : {}),
        handle: (request) => {
          emitCredentialAttempt(request, () => ({ path: request.path }))
          return api.handle(request)
        },
      })
      return running(listeners)
    },
  }
}
