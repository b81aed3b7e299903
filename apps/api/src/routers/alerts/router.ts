import { router } from '../../trpc.ts'
import { createChannelProcedure } from './create-channel.ts'
import { listChannelsProcedure } from './list-channels.ts'
import { listDeliveriesProcedure } from './list-deliveries.ts'
import { removeChannelProcedure } from './remove-channel.ts'
import { sendTestProcedure } from './send-test.ts'
import { updateChannelProcedure } from './update-channel.ts'

export const alertsRouter = router({
  channels: router({
    list: listChannelsProcedure,
    create: createChannelProcedure,
    update: updateChannelProcedure,
    remove: removeChannelProcedure,
    sendTest: sendTestProcedure,
  }),
  deliveries: router({
    list: listDeliveriesProcedure,
  }),
})
