import type { ClientHello } from './client-hello.ts'
import { isGrease } from './grease.ts'
import { md5Hex } from './text.ts'

export type Ja3 = {
  /** `SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats`, decimal, `-`-joined. */
  ja3: string
  /** MD5 of `ja3`, the value compared and shared. */
  ja3Hash: string
}

/**
 * JA3 (Salesforce, 2017): the hello's legacy version and its cipher, extension, group and point
 * format lists in the order sent, GREASE values left out, empty lists left empty.
 */
export function ja3(hello: ClientHello): Ja3 {
  const list = (values: number[]) => values.filter((value) => !isGrease(value)).join('-')
  const text = [
    String(hello.version),
    list(hello.ciphers),
    list(hello.extensions),
    list(hello.supportedGroups),
    list(hello.pointFormats),
  ].join(',')
  return { ja3: text, ja3Hash: md5Hex(text) }
}
