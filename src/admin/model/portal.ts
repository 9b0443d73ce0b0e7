import { z } from 'zod'
import { parseDuration } from '../../config/duration'
import { durationText } from '../../config/fields'
import { CAPABILITIES } from '../portal/token'

export const MIN_TTL_MS = 5 * 60_000
export const MAX_TTL_MS = 24 * 3_600_000

export const capabilitySchema = z.enum(CAPABILITIES)

export const portalLinkInput = z.strictObject({
	capabilities: z.array(capabilitySchema).max(CAPABILITIES.length * 2)
		.describe('what the link allows; `view` is always included'),
	ttl: durationText.refine((s) => {
		const r = parseDuration(s)
		// a text that is no duration at all has its own message already
		return 'error' in r || (r.value >= MIN_TTL_MS && r.value <= MAX_TTL_MS)
	}, 'must be from 5m to 24h').optional().describe('how long the link works, from 5m to 24h (default 1h)'),
})

export const portalLink = z.object({
	url: z.string().describe('`<server.publicUrl>/ui/portal#token=<token>`: the token rides in the fragment, which browsers never send'),
	token: z.string().regex(/^hgp_[A-Za-z0-9_-]+$/),
	flow: z.string(),
	capabilities: z.array(capabilitySchema),
	expiresAt: z.string(),
})

export const me = z.object({
	kind: z.enum(['admin', 'portal']),
	flow: z.string().nullable().describe('the portal link\'s flow; null for admin tokens'),
	capabilities: z.array(capabilitySchema),
	expiresAt: z.string().nullable().describe('null for admin tokens'),
})
