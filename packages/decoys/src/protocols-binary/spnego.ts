import { enumerated, octets, oid, sequence, tlv } from './ber.ts'

/** The SPNEGO (RFC 4178) wrappers SMB puts around NTLMSSP. */

const SPNEGO_OID = '1.3.6.1.5.5.2'
const NTLMSSP_OID = '1.3.6.1.4.1.311.2.2.10'

/** negTokenInit advertising NTLMSSP: the security buffer of an SMB2 NEGOTIATE response. */
export function negTokenInit(): Buffer {
  const hints = tlv(0xa3, sequence(tlv(0xa0, tlv(0x1b, Buffer.from('not_defined_in_RFC4178@please_ignore')))))
  return tlv(0x60, oid(SPNEGO_OID), tlv(0xa0, sequence(tlv(0xa0, sequence(oid(NTLMSSP_OID))), hints)))
}

/** negTokenResp carrying the NTLM challenge (negState accept-incomplete). */
export function negTokenResp(token: Buffer): Buffer {
  return tlv(0xa1, sequence(tlv(0xa0, enumerated(1)), tlv(0xa1, oid(NTLMSSP_OID)), tlv(0xa2, octets(token))))
}
