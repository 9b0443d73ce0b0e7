// One flow: its own keys, its envelope and signing defaults, then each of its
// endpoints through normalizeEndpoint (the same code the admin API uses).

import { MAX_JSON_DEPTH, valueNestsDeeperThan } from '../json'
import type { BuiltinEnvelope, EndpointConfig, EnvelopeSpec, FlowConfig } from '../domain'
import { checkTemplate } from '../envelopes/check'
import { PLATFORM_ACTIONS } from '../envelopes/routes'
import { validateHeader } from '../signing/headers'
import { validateSecret } from '../signing/secret'
import { normalizeEndpoint } from './endpoint'
import { fromZod, type ConfigIssue, type Path } from './issues'
import { envelopeSchema, flowSchema, flowSigningSchema, type FlowSigningInput } from './schema'

export interface FlowContext {
	endpointsPerFlow: number
	now: number
}

type EnvelopeInput = string | { template?: unknown }

function toSpec(input: EnvelopeInput): EnvelopeSpec {
	return typeof input === 'string'
		? { kind: 'builtin', name: input as BuiltinEnvelope }
		: { kind: 'template', template: input.template }
}

function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function normalizeFlow(raw: unknown, at: Path, ctx: FlowContext): { flow: FlowConfig | null; issues: ConfigIssue[] } {
	const parsed = flowSchema.safeParse(raw, { reportInput: true })
	const issues: ConfigIssue[] = parsed.success ? [] : fromZod(parsed.error.issues, at)
	const fields = isRecord(raw) ? raw : {}

	// Endpoints are checked even when the flow's own keys are not all right, with
	// whatever of its envelope and signing could be read.
	const envelopeParse = envelopeSchema.safeParse(fields.envelope ?? 'standard')
	const envelope = envelopeParse.success ? toSpec(envelopeParse.data) : null
	const signingParse = flowSigningSchema.safeParse(fields.signing ?? {})
	const signing = signingParse.success ? flowSigning(signingParse.data, [...at, 'signing'], issues) : {}

	if (envelope?.kind === 'template' && valueNestsDeeperThan(envelope.template)) {
		issues.push({ path: [...at, 'envelope', 'template'], message: `nests more than ${MAX_JSON_DEPTH} levels deep` })
	} else if (envelope?.kind === 'template') {
		for (const problem of checkTemplate(envelope.template, envelope)) {
			issues.push({ path: [...at, 'envelope', 'template', ...problem.path], message: problem.message })
		}
	}

	// platform-action flows accept exactly the 14 action names: a declared list may only narrow them
	if (envelope?.kind === 'builtin' && envelope.name === 'platform-action' && Array.isArray(fields.events)) {
		fields.events.forEach((type, k) => {
			if (typeof type === 'string' && !PLATFORM_ACTIONS.includes(type)) {
				issues.push({ path: [...at, 'events', k], message: 'not one of the 14 platform actions (seeds/05), like "Users Created"' })
			}
		})
	}

	const endpoints: EndpointConfig[] = []
	const rawEndpoints = Array.isArray(fields.endpoints) ? fields.endpoints : []
	const seen = new Set<string>()
	rawEndpoints.forEach((item, j) => {
		const here = [...at, 'endpoints', j]
		if (j === ctx.endpointsPerFlow) {
			issues.push({
				path: here,
				message: `a flow has at most ${ctx.endpointsPerFlow} endpoints (limits.endpointsPerFlow)`,
			})
		}
		const result = normalizeEndpoint(item, { envelope, signing }, { managedBy: 'config', now: ctx.now })
		if ('issues' in result) issues.push(...result.issues.map((i) => ({ ...i, path: [...here, ...i.path] })))
		else endpoints.push(result.endpoint)
		const id = isRecord(item) ? item.id : undefined
		if (typeof id === 'string') {
			if (seen.has(id)) issues.push({ path: [...here, 'id'], message: `duplicate endpoint id ${id} in this flow` })
			seen.add(id)
		}
	})

	if (!parsed.success || !envelope || issues.length > 0) return { flow: null, issues }
	const f = parsed.data
	return {
		flow: {
			id: f.id,
			name: f.name ?? f.id,
			envelope,
			events: f.events ?? null,
			ingestTokens: f.ingestTokens,
			retryScheduleMs: f.retrySchedule ?? null,
			timeoutMs: f.timeout ?? null,
			signing,
			endpoints,
		},
		issues,
	}
}

/** The flow's signing defaults; only what can be judged without an endpoint. */
function flowSigning(s: FlowSigningInput, at: Path, issues: ConfigIssue[]): FlowConfig['signing'] {
	const out: FlowConfig['signing'] = {}
	if (s.scheme !== undefined) out.scheme = s.scheme
	if (s.encoding !== undefined) out.encoding = s.encoding
	if (s.header !== undefined) {
		out.header = s.header.toLowerCase()
		const problem = validateHeader(s.header, '', null)
		if (problem) issues.push({ path: [...at, 'header'], message: problem })
	}
	if (s.scheme !== undefined && s.scheme !== 'hmac-sha256') {
		for (const key of ['header', 'encoding'] as const) {
			if (s[key] !== undefined) issues.push({ path: [...at, key], message: 'applies to scheme hmac-sha256 only' })
		}
	}
	if (s.secret !== undefined) {
		out.secret = s.secret
		if (s.scheme === 'none') issues.push({ path: [...at, 'secret'], message: 'not used by scheme none' })
		else if (s.scheme !== undefined) {
			const problem = validateSecret(s.scheme, s.secret)
			if (problem) issues.push({ path: [...at, 'secret'], message: problem })
		}
	}
	return out
}
