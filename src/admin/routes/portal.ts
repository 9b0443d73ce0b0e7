import { adminOnly, adminPlugin, anyToken } from '../access'
import { adminBody, authenticate } from '../auth'
import type { AdminDeps } from '../deps'
import { doc } from '../docs'
import { noInput } from '../model/common'
import * as m from '../model/portal'
import { mintLink, revokeLinks } from '../portal/links'
import { CAPABILITIES } from '../portal/token'
import { strictQuery, validate } from '../validate'

const noQuery = strictQuery(noInput)
const exampleToken = 'hgp_AQAAAZPT9Oq4H0b3vKq7cP4BAW1haW4u5T1xkc2JwVt0p1mYJc3oA9Rw_Sx3HwBJ0i7Xc0l8ZQ'

export function portalRoutes(deps: AdminDeps) {
	const body = adminBody(deps, false)
	return adminPlugin(deps, 'admin-portal')
		.post('/admin/v1/flows/:flow/portal-links', async ({ params, body: raw, request, set }) => {
			const link = await mintLink(deps, params.flow, validate(m.portalLinkInput, raw), request)
			set.status = 201
			return link
		}, {
			access: adminOnly,
			query: noQuery,
			parse: [body, 'json'],
			detail: doc({
				id: 'createPortalLink', tag: 'portal', summary: 'Mint a portal link for one flow',
				description: 'Admin tokens only. The link opens `/ui/portal` with a token (`hgp_…`) in its fragment; the token works as a bearer on this flow\'s admin routes, as far as its capabilities allow: `view` (reads), `manage_endpoints` (add, change, remove, enable, disable), `rotate_secret`, `replay` (replay, cancel, bulk replay), `test`. `view` is always included. It expires after `ttl` (5m to 24h, default 1h).',
				body: { schema: m.portalLinkInput, example: { capabilities: ['view', 'manage_endpoints', 'test'], ttl: '2h' } },
				ok: {
					status: 201, schema: m.portalLink, description: 'the link and its token',
					example: { url: `https://hooks.example.com/ui/portal#token=${exampleToken}`, token: exampleToken, flow: 'onboarding', capabilities: ['view', 'manage_endpoints', 'test'], expiresAt: '2026-03-14T11:00:00.000Z' },
				},
				notFound: 'flow',
			}),
		})
		.delete('/admin/v1/flows/:flow/portal-links', async ({ params, set }) => {
			await revokeLinks(deps, params.flow)
			set.status = 204
		}, {
			access: adminOnly,
			query: noQuery,
			detail: doc({
				id: 'revokePortalLinks', tag: 'portal', summary: 'Revoke every portal link of a flow',
				description: 'Admin tokens only. Every link of the flow minted so far stops working (401); links minted afterwards work.',
				ok: { status: 204, description: 'revoked' },
				notFound: 'flow',
			}),
		})
		.get('/admin/v1/me', async ({ request }) => {
			const who = await authenticate(deps, request)
			if (who.kind === 'admin') return { kind: 'admin' as const, flow: null, capabilities: [...CAPABILITIES], expiresAt: null }
			return { kind: 'portal' as const, flow: who.flow, capabilities: who.capabilities, expiresAt: new Date(who.expiresAt).toISOString() }
		}, {
			access: anyToken,
			query: noQuery,
			detail: doc({
				id: 'getMe', tag: 'portal', summary: 'What the bearer token may do',
				description: 'Any valid token. Admin tokens hold every capability on every flow (`flow` and `expiresAt` null); a portal token names its flow, capabilities and expiry.',
				ok: { schema: m.me, description: 'the token\'s scope', example: { kind: 'portal', flow: 'onboarding', capabilities: ['view', 'test'], expiresAt: '2026-03-14T11:00:00.000Z' } },
			}),
		})
}
