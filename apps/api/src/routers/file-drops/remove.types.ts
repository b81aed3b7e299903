import { ZRemoveFileDropRequest } from '@decnet/core'
import { ZFileDropChangeOutput } from './add.types.ts'

export const ZRemoveFileDropInput = ZRemoveFileDropRequest
export const ZRemoveFileDropOutput = ZFileDropChangeOutput
