/**
 * Lifecycle transition → subscriber latency (PRODUCT.md §10: p95 ≤ 100 ms): the time from the runner
 * persisting a transition (the row's updatedAt) to a typed SSE subscriber receiving it, over real HTTP,
 * while 30 deckies deploy on the local engine.
 */
import { percentile, withBenchApi } from './bench-api.ts'

await withBenchApi(
  {
    DECNET_ENGINE: 'local',
    DECNET_SUBNET: '10.78.0.0/16',
    DECNET_GATEWAY: '10.78.0.1',
  },
  {},
  async ({ admin }) => {
    const latencies: number[] = []
    const deployed = await admin.fleet.deploy.mutate({
      ini: '[lat]\namount = 30\nservices = ssh, http, ftp\n',
    })
    let snapshotDone = false
    await new Promise<void>((resolve, reject) => {
      const seen = new Set<string>()
      const subscription = admin.fleet.watchLifecycle.subscribe(
        { ids: deployed.lifecycleIds },
        {
          onData: ({ data }) => {
            const key = `${data.id}:${data.status}`
            if (seen.has(key)) return
            seen.add(key)
            // Transitions already made before the subscription was answered are not live deliveries.
            if (snapshotDone && data.status !== 'pending')
              latencies.push(Date.now() - Date.parse(data.updatedAt))
            if (seen.size >= deployed.lifecycleIds.length) snapshotDone = true
          },
          onError: reject,
          onComplete: () => {
            subscription.unsubscribe()
            resolve()
          },
        },
      )
    })
    console.log('\nLifecycle transition → SSE subscriber (30 deckies × 3 services, local engine)')
    console.log(`transitions measured: ${latencies.length}`)
    console.log(
      `p50 ${percentile(latencies, 50).toFixed(1)} ms   p95 ${percentile(latencies, 95).toFixed(1)} ms   max ${Math.max(...latencies).toFixed(1)} ms   target p95 ≤ 100 ms  ${percentile(latencies, 95) <= 100 ? 'ok' : 'MISSED'}`,
    )
  },
)
