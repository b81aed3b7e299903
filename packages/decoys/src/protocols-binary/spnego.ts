import { enumerated, octets, oid, sequence, tlv } from './ber.ts'

/** The SPNEGO (RFC 4178) wrappers SMB puts around NTLMSSP. */

const SPNEGO_OID = '1.3.6.1.5.5.2'
export const NTLMSSP_OID = '1.3.6.1.4.1.311.2.2.10'
export const NEGOEX_OID = '1.3.6.1.4.1.311.2.2.30'
export const MS_KRB5_OID = '1.2.840.48018.1.2.2'
export const KRB5_OID = '1.2.840.113554.1.2.2'
export const KRB5_U2U_OID = '1.2.840.113554.1.2.2.3'

/**
 * negTokenInit listing the server's mechanisms, the security buffer of an SMB2 NEGOTIATE response:
 * a domain member lists Kerberos before NTLMSSP, a workgroup machine only NEGOEX/NTLMSSP. Windows
 * 2008 and later and Samba both send the `not_defined_in_RFC4178@please_ignore` hint.
 */
export function negTokenInit(mechanisms: readonly string[] = [NTLMSSP_OID]): Buffer {
  const hints = tlv(0xa3, sequence(tlv(0xa0, tlv(0x1b, Buffer.from('not_defined_in_RFC4178@please_ignore')))))
  return tlv(
    0x60,
    oid(SPNEGO_OID),
    tlv(0xa0, sequence(tlv(0xa0, sequence(...mechanisms.map((m) => oid(m)))), hints)),
  )
}

/** negTokenResp carrying the NTLM challenge (negState accept-incomplete). */
export function negTokenResp(token: Buffer): Buffer {
  return tlv(0xa1, sequence(tlv(0xa0, enumerated(1)), tlv(0xa1, oid(NTLMSSP_OID)), tlv(0xa2, octets(token))))
}
