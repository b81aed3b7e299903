import type { Emulator } from '../emulator.ts'
import { dockerApiEmulator } from './apis/docker-api.ts'
import { elasticsearchEmulator } from './apis/elasticsearch.ts'
import { k8sEmulator } from './apis/k8s.ts'
import { ftpEmulator } from './ftp.ts'
import { httpEmulator, httpsEmulator } from './http/web.ts'
import { imapEmulator } from './mail/imap.ts'
import { pop3Emulator } from './mail/pop3.ts'
import { smtpEmulatorDefinition, smtpRelayEmulator } from './mail/smtp.ts'
import { redisEmulator } from './redis.ts'
import { sipEmulator } from './sip.ts'
import { sshEmulator } from './ssh.ts'
import { telnetEmulator } from './telnet.ts'

/** Line- and HTTP-oriented protocols: ssh, telnet, http(s), ftp, smtp(_relay), imap, pop3, redis, elasticsearch, k8s, docker_api, sip. */
export const textProtocolEmulators: Emulator[] = [
  sshEmulator,
  telnetEmulator,
  httpEmulator,
  httpsEmulator,
  ftpEmulator,
  smtpEmulatorDefinition,
  smtpRelayEmulator,
  imapEmulator,
  pop3Emulator,
  redisEmulator,
  elasticsearchEmulator,
  k8sEmulator,
  dockerApiEmulator,
  sipEmulator,
]
