// A receiver for hookgate's operational events (operations.flow) that turns
// each into a Slack message. Run it beside hookgate:
//
//   OPS_SECRET=whsec_... SLACK_WEBHOOK_URL=https://hooks.slack.com/services/... \
//     bun scripts/ops-to-slack.ts            # listens on 127.0.0.1:8787
//
// and give the operations flow an endpoint http://127.0.0.1:8787/ with that
// secret (scheme standard-webhooks, envelope standard). Without
// SLACK_WEBHOOK_URL it prints the messages instead.
import { Webhook } from 'standardwebhooks'

export interface OpsEvent { type: string; timestamp: string; data: Record<string, any> }

const ep = (d: Record<string, any>) => `\`${d.flow}/${d.endpoint}\``

/** One event → Slack's incoming-webhook body ({text}, mrkdwn). */
export function toSlack(e: OpsEvent): { text: string } {
	const d = e.data
	switch (e.type) {
		case 'endpoint.failing':
			return { text: `:warning: ${ep(d)} is failing since ${d.failingSince} (${d.consecutiveFailures} failures in a row, last: ${d.lastError?.class} ${d.lastError?.status ?? ''} ${d.lastError?.message ?? ''}). ${d.pending} jobs wait; it will be disabled at ${d.disableAt} if nothing changes.` }
		case 'endpoint.recovered':
			return { text: `:white_check_mark: ${ep(d)} delivers again (failing since ${d.failingSince}, recovered ${d.recoveredAt}).` }
		case 'endpoint.disabled':
			return { text: `:no_entry: ${ep(d)} was disabled at ${d.disabledAt}: ${d.reason}. ${d.pending} jobs wait for it to be enabled.` }
		case 'endpoint.enabled':
			return { text: `:arrow_forward: ${ep(d)} was enabled (by ${d.by}).` }
		case 'endpoint.created': case 'endpoint.updated': case 'endpoint.deleted':
			return { text: `:gear: ${ep(d)} was ${e.type.slice('endpoint.'.length)} (by ${d.by}).` }
		case 'delivery.exhausted':
			return { text: `:x: ${d.count} job(s) to ${ep(d)} ran out of tries since ${d.since} (last: ${d.lastError?.class} ${d.lastError?.message ?? ''}). First: ${(d.jobs as string[]).slice(0, 5).join(', ')}` }
		case 'config.reload_refused':
			return { text: `:page_facing_up: a configuration reload was refused; the old one keeps running:\n\`\`\`${(d.errors as string[]).join('\n')}\`\`\`` }
		case 'store.nearly_full':
			return { text: `:floppy_disk: the store holds ${Math.round(d.ratio * 100)}% of storage.maxSize (${d.usedBytes} of ${d.maxBytes} bytes); ingest stops at 95%.` }
		case 'report.undelivered': {
			const lines = (d.endpoints as Array<Record<string, any>>).map((r) =>
				`• ${ep(r)}: ${r.failed} failed, ${r.pendingOverAnHour} pending over an hour${Object.keys(r.errors).length ? ` (${Object.entries(r.errors).map(([c, n]) => `${c} ${n}`).join(', ')})` : ''}`)
			return { text: `:bar_chart: Undelivered, ${d.since} – ${d.until}:\n${lines.join('\n')}` }
		}
		default:
			return { text: `hookgate: ${e.type} ${JSON.stringify(d)}` }
	}
}

if (import.meta.main) {
	const wh = new Webhook(process.env.OPS_SECRET ?? '')
	const slack = process.env.SLACK_WEBHOOK_URL
	Bun.serve({
		hostname: '127.0.0.1',
		port: Number(process.env.PORT ?? 8787),
		async fetch(req) {
			const body = await req.text()
			let event: OpsEvent
			try { event = wh.verify(body, Object.fromEntries(req.headers)) as OpsEvent } catch { return new Response('bad signature', { status: 401 }) }
			const message = toSlack(event)
			if (!slack) { console.log(message.text); return new Response('ok') }
			const r = await fetch(slack, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) })
			// a failed post answers 502, so hookgate retries the event later
			return new Response(r.ok ? 'ok' : 'slack refused', { status: r.ok ? 200 : 502 })
		},
	})
}
