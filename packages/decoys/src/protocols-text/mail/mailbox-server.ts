import type { Emulator, EmulatorContext, RunningEmulator } from '../../emulator.ts'
import { onEveryPort } from '../../framework/listeners.ts'
import { listenTcp, type TcpSession } from '../../framework/tcp.ts'
import { selfSignedIdentity } from '../../framework/tls.ts'
import { type Persona, personaFor } from '../shell/persona.ts'

/**
 * imap and pop3 share their shape: a plain port and an implicit-TLS port (143/993, 110/995), the
 * Dovecot persona of the distro, and a per-session handler.
 */
export function mailboxEmulator(
  slug: string,
  defaultPorts: number[],
  handle: (
    session: TcpSession,
    persona: Persona,
    ctx: EmulatorContext,
  ) => {
    onLine(line: string, truncated: boolean): void
  },
): Emulator {
  return {
    slug,
    defaultPorts,
    async start(ctx: EmulatorContext): Promise<RunningEmulator> {
      const persona = personaFor(ctx)
      // Every port after the first is the implicit-TLS variant (993, 995 in the catalogue).
      const identity =
        ctx.ports.length > 1 ? await selfSignedIdentity(ctx.hostname, persona.random.fork('tls')) : undefined
      return onEveryPort(ctx, (port, index) =>
        listenTcp({
          ctx,
          port,
          ...(index > 0 && identity ? { tls: identity } : {}),
          handle: (session) => handle(session, persona, ctx),
        }),
      )
    },
  }
}

export function dovecotName(persona: Persona): string {
  return persona.distro.startsWith('ubuntu')
    ? 'Dovecot (Ubuntu)'
    : persona.distro === 'debian'
      ? 'Dovecot (Debian)'
      : 'Dovecot'
}

/** Login name without a domain, as the bait mailbox addresses it. */
export function mailboxName(username: string): string {
  return (username.split('@')[0] ?? username).replace(/[^A-Za-z0-9._-]/g, '').slice(0, 32) || 'user'
}
