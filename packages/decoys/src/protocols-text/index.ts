import type { EmulatorLoader } from '../emulator.ts'

/**
 * Line- and HTTP-oriented protocols, each loaded on first use: a service container only parses the
 * code of the one emulator it runs (the image bundle is split per emulator).
 */
export const textProtocolLoaders: Readonly<Record<string, EmulatorLoader>> = {
  ssh: async () => (await import('./ssh.ts')).sshEmulator,
  telnet: async () => (await import('./telnet.ts')).telnetEmulator,
  http: async () => (await import('./http/web.ts')).httpEmulator,
  https: async () => (await import('./http/web.ts')).httpsEmulator,
  ftp: async () => (await import('./ftp.ts')).ftpEmulator,
  smtp: async () => (await import('./mail/smtp.ts')).smtpEmulatorDefinition,
  smtp_relay: async () => (await import('./mail/smtp.ts')).smtpRelayEmulator,
  imap: async () => (await import('./mail/imap.ts')).imapEmulator,
  pop3: async () => (await import('./mail/pop3.ts')).pop3Emulator,
  redis: async () => (await import('./redis.ts')).redisEmulator,
  elasticsearch: async () => (await import('./apis/elasticsearch.ts')).elasticsearchEmulator,
  k8s: async () => (await import('./apis/k8s.ts')).k8sEmulator,
  docker_api: async () => (await import('./apis/docker-api.ts')).dockerApiEmulator,
  sip: async () => (await import('./sip.ts')).sipEmulator,
}
