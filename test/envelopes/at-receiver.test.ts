// ENVELOPES.md end to end: each example sent through a real gateway, the
// bytes compared where a receiver gets them.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { configYaml, startTestGateway, type TestGateway } from '../support/gateway'
import { waitFor } from '../support/wait'
import { receiver } from '../dispatch/loopback'

const rx = receiver(() => new Response('ok'))
let gw: TestGateway
const ep = (id: string, extra = '') => `      - { id: ${id}, url: "http://127.0.0.1:${rx.port}/${id}", signing: { scheme: none }${extra} }\n`
beforeAll(async () => {
	gw = await startTestGateway(configYaml(`  - id: billing
    name: Billing
    envelope: standard
    ingestTokens: [test-ingest-token]
    endpoints:
${ep('std')}  - id: 65f17595d5ac510490543f4c
    name: Pipeline
    envelope: session-step
    ingestTokens: [test-ingest-token]
    endpoints:
${ep('step')}  - id: onboarding
    name: Customer onboarding
    envelope: flow-event
    events: [flow.start, flow.end, technology.start, technology.end]
    ingestTokens: [test-ingest-token]
    endpoints:
${ep('flowev')}  - id: records
    name: Records
    envelope: record-event
    ingestTokens: [test-ingest-token]
    endpoints:
${ep('rec')}  - id: campaigns
    name: Campaigns
    envelope: campaign
    ingestTokens: [test-ingest-token]
    endpoints:
${ep('bot', ', headers: { X-Api-Key: k-123 }, body: { botId: bot-7 }')}  - id: platform
    name: Platform
    envelope: platform-action
    ingestTokens: [test-ingest-token]
    endpoints:
      - { id: wf, url: "http://127.0.0.1:${rx.port}/run-tree/{{ route.group }}/{{ route.name }}", signing: { scheme: none } }
  - id: orders
    name: Orders
    envelope:
      template:
        kind: order
        eventId: "{{ event.id }}"
        count: "{{ event.data.count }}"
        label: "n={{ event.data.count }}"
        tier: "{{ session.metadata.tier }}"
    ingestTokens: [test-ingest-token]
    endpoints:
${ep('tpl')}`))
	for (const flow of ['65f17595d5ac510490543f4c', 'onboarding', 'orders']) {
		await gw.post(`/v1/flows/${flow}/sessions`, { id: '65f30fb56f1cef0a7d8103fb', metadata: { customerRef: 'c-42', tier: 'gold' } })
	}
})
afterAll(async () => { await gw.stop(); rx.stop() })

const cases: Array<[string, string, unknown, string, string]> = [
	['standard', 'billing', { id: 'evt_2Xq9', type: 'invoice.paid', occurredAt: '2026-03-14T14:55:50.094Z', data: { invoice: 'in_1', amount: 1250 } },
		'/std', '{"type":"invoice.paid","timestamp":"2026-03-14T14:55:50.094Z","data":{"invoice":"in_1","amount":1250}}'],
	['session-step', '65f17595d5ac510490543f4c', { id: 'e-1', type: 'signAgreement', sessionId: '65f30fb56f1cef0a7d8103fb', occurredAt: '2024-03-14T14:55:50.094Z', data: { documentId: 'doc-9', signed: true } },
		'/step', '{"payload":{"documentId":"doc-9","signed":true},"sessionId":"65f30fb56f1cef0a7d8103fb","pipelineId":"65f17595d5ac510490543f4c","stepId":"signAgreement","date":"2024-03-14T14:55:50.094+00:00","metadata":{"customerRef":"c-42","tier":"gold"}}'],
	['flow-event', 'onboarding', { id: 'wh_01HV7K', type: 'technology.end', sessionId: '65f30fb56f1cef0a7d8103fb', occurredAt: '2026-03-14T14:55:50.094Z', success: false, data: { technology_code: 'liveness', reason: 'timeout' } },
		'/flowev', '{"id":"wh_01HV7K","event":"technology.end","session_id":"65f30fb56f1cef0a7d8103fb","created":1773500150,"success":false,"flow_name":"Customer onboarding","metadata":{"customerRef":"c-42","tier":"gold"},"data":{"technology_code":"liveness","reason":"timeout"}}'],
	['record-event', 'records', { id: 'abc123-def456-ghi789', type: 'CONVERSATION_STARTED', occurredAt: '2024-01-15T10:30:00.000Z', data: { recordId: 'conv_abc123', organizationId: 'org_xyz789', channel: 'web' } },
		'/rec', '{"event":"CONVERSATION_STARTED","eventId":"abc123-def456-ghi789","eventTimestamp":"2024-01-15T10:30:00.000Z","data":{"recordId":"conv_abc123","organizationId":"org_xyz789","channel":"web"}}'],
	['campaign', 'campaigns', { id: 'msg-7731', type: 'campaign.response', occurredAt: '2026-03-14T14:55:50.094Z', data: { campaignId: 'cmp_42', label: 'Welcome Message', phoneNumber: '+5215512345678', response: '2', option: '2', keyword: 'RAFFLE' } },
		'/bot', '{"campaignId":"cmp_42","label":"Welcome Message","phoneNumber":"+5215512345678","date":"2026-03-14T14:55:50.094Z","response":"2","option":"2","keyword":"RAFFLE","botId":"bot-7"}'],
	['platform-action', 'platform', { id: '4f1c9e', type: 'Submission Submitted', occurredAt: '2026-03-14T14:55:50.094Z', data: { kappSlug: 'services', formSlug: 'onboarding', submission: { id: 'sub-123', values: { Name: 'Ada' } } } },
		'/run-tree/Submissions%20%3E%20services%20%3E%20onboarding/Submitted', '{"id":"4f1c9e","action":"Submission Submitted","route":{"group":"Submissions > services > onboarding","name":"Submitted"},"timestamp":"2026-03-14T14:55:50.094Z","data":{"kappSlug":"services","formSlug":"onboarding","submission":{"id":"sub-123","values":{"Name":"Ada"}}}}'],
	['template', 'orders', { id: 'o-1', type: 'order.created', sessionId: '65f30fb56f1cef0a7d8103fb', data: { count: 42 } },
		'/tpl', '{"kind":"order","eventId":"o-1","count":42,"label":"n=42","tier":"gold"}'],
]

for (const [name, flow, event, path, body] of cases) {
	test(`${name}: the receiver gets exactly the ENVELOPES.md body`, async () => {
		const res = await gw.post(`/v1/flows/${flow}/events`, event)
		expect(res.status).toBe(202)
		const hit = await waitFor(() => rx.on(path)[0], 5000, `a request on ${path}`)
		expect(hit.body).toBe(body)
		expect(hit.headers['webhook-id']).toBe((event as { id: string }).id)
		if (name === 'campaign') expect(hit.headers['x-api-key']).toBe('k-123')
	})
}
