import type { Emulator, EmulatorContext, RunningEmulator } from '../../emulator.ts'
import { configString } from '../../framework/config.ts'
import { onEveryPort } from '../../framework/listeners.ts'
import { listenTcp, type TcpSession } from '../../framework/tcp.ts'
import { tlsOptionsFor } from '../../framework/tls.ts'
import { fqdnOf } from '../fqdn.ts'
import { type Persona, personaFor } from '../shell/persona.ts'
import { MDA_PRODUCTS, type MdaIdentity, type MdaProduct } from './mda-dialects.ts'

/** One imap or pop3 session: the decky's mailbox server and the configured greeting, if any. */
export type MailboxSession = (
  session: TcpSession,
  persona: Persona,
  mda: MdaIdentity,
  banner: string | undefined,
) => { onLine(line: string, truncated: boolean): void }

/**
 * imap and pop3 share their shape: a plain port and an implicit-TLS port (143/993, 110/995), the
 * decky's one mailbox server (Dovecot or Exchange, from the persona), and a per-session handler.
 */
export function mailboxEmulator(slug: string, defaultPorts: number[], handle: MailboxSession): Emulator {
  return {
    slug,
    defaultPorts,
    async start(ctx: EmulatorContext): Promise<RunningEmulator> {
      const persona = personaFor(ctx)
      const story = ctx.persona
      // One MDA answers both imap and pop3 of a decky.
      const service = story.services[slug] ?? story.services.imap ?? story.services.pop3
      const mda: MdaIdentity = {
        product: (MDA_PRODUCTS as readonly string[]).includes(service?.product ?? '')
          ? (service?.product as MdaProduct)
          : story.os.id === 'windows'
            ? 'exchange'
            : 'dovecot',
        version: service?.version ?? '15.1',
        fqdn: fqdnOf(story),
        os: story.os,
        domain: story.domain?.dns,
        timezone: story.timezone,
        banner: undefined,
      }
      const own = story.services[slug]
      if (own?.product === mda.product) mda.banner = own.banner
      // Every port after the first is the implicit-TLS variant (993, 995 in the catalogue).
      const identity =
        ctx.ports.length > 1 ? await tlsOptionsFor(story, slug, { commonName: fqdnOf(story) }) : undefined
      return onEveryPort(ctx, (port, index) =>
        listenTcp({
          ctx,
          port,
          ...(index > 0 && identity ? { tls: identity } : {}),
          handle: (session) => handle(session, persona, mda, configString(ctx.config, 'banner')),
        }),
      )
    },
  }
}

/** Login name without a domain, as the bait mailbox addresses it. */
export function mailboxName(username: string): string {
  return (username.split('@')[0] ?? username).replace(/[^A-Za-z0-9._-]/g, '').slice(0, 32) || 'user'
}
