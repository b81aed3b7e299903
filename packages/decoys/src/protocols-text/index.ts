import type { Emulator } from '../emulator.ts'
import { httpEmulator, httpsEmulator } from './http/web.ts'
import { sshEmulator } from './ssh.ts'

/** Line- and HTTP-oriented protocols: ssh, telnet, http(s), ftp, smtp(_relay), imap, pop3, redis, elasticsearch, k8s, docker_api, sip. */
export const textProtocolEmulators: Emulator[] = [sshEmulator, httpEmulator, httpsEmulator]
