import { berChildren, berInteger, expectBer, integer, octets, sequence, tlv } from './ber.ts'
import { MalformedFrame } from './stream.ts'

/** CredSSP TSRequest (MS-CSSP 2.2.1), the NLA envelope RDP puts around NTLMSSP inside TLS. */

export type TsRequest = { version: number; negoToken?: Buffer }

export function parseTsRequest(message: Buffer): TsRequest {
  const envelope = expectBer(message, 0, 0x30)
  const request: TsRequest = { version: 0 }
  for (const field of berChildren(envelope.value, 8)) {
    const [inner] = berChildren(field.value, 1)
    if (!inner) continue
    if (field.tag === 0xa0) request.version = berInteger(inner.value)
    if (field.tag === 0xa1) {
      // NegoData: SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }
      const [first] = berChildren(inner.value, 8)
      const [token] = first ? berChildren(first.value, 1) : []
      const [bytes] = token ? berChildren(token.value, 1) : []
      if (bytes?.tag !== 0x04) throw new MalformedFrame('bad negoToken')
      request.negoToken = bytes.value
    }
  }
  return request
}

export function tsRequestWithToken(version: number, token: Buffer): Buffer {
  return sequence(tlv(0xa0, integer(version)), tlv(0xa1, sequence(sequence(tlv(0xa0, octets(token))))))
}

/** A TSRequest carrying only an NTSTATUS error (CredSSP version 3 and later). */
export function tsRequestWithError(version: number, status: number): Buffer {
  return sequence(tlv(0xa0, integer(version)), tlv(0xa4, integer(status | 0)))
}
