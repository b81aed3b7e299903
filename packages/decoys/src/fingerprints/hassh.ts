import type { KexInit } from './ssh-kexinit.ts'
import { md5Hex } from './text.ts'

export type Hassh = {
  /** MD5 of `algorithms`, the value compared and shared. */
  hassh: string
  /** hasshAlgorithms: `kex;encryption;mac;compression`, client-to-server lists as sent. */
  algorithms: string
}

/** HASSH (Salesforce, 2018) of an SSH client's KEXINIT. */
export function hassh(kexinit: KexInit): Hassh {
  const algorithms = [
    kexinit.kex,
    kexinit.encryptionClientToServer,
    kexinit.macClientToServer,
    kexinit.compressionClientToServer,
  ].join(';')
  return { hassh: md5Hex(algorithms), algorithms }
}
