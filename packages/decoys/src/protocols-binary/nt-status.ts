// NTSTATUS codes (MS-ERREF 2.3) the Windows protocols answer with: one definition for SMB2, SMB1 and
// RDP's CredSSP.
export const STATUS_SUCCESS = 0
export const STATUS_MORE_PROCESSING_REQUIRED = 0xc0000016
export const STATUS_ACCESS_DENIED = 0xc0000022
export const STATUS_LOGON_FAILURE = 0xc000006d
export const STATUS_NOT_SUPPORTED = 0xc00000bb
