// Signature headers for one attempt. The bytes signed are the body string as
// sent (UTF-8); each attempt is signed afresh with its own time.

import { createHmac } from 'node:crypto'
import type { SigningConfig } from '../domain'

export const DEFAULT_HMAC_HEADER = 'x-signature'
const WHSEC = 'whsec_'

export interface SignInput {
	signing: SigningConfig
	eventId: string
	body: string
	/** Unix milliseconds of the attempt */
	now: number
}

/** The Standard Webhooks key: the base64 after `whsec_` (bare base64 is accepted too, as the libraries do). */
export function standardWebhooksKey(secret: string): Buffer {
	return Buffer.from(secret.startsWith(WHSEC) ? secret.slice(WHSEC.length) : secret, 'base64')
}

export function standardWebhooksSignature(secret: string, id: string, timestamp: number, body: string): string {
	const mac = createHmac('sha256', standardWebhooksKey(secret)).update(`${id}.${timestamp}.${body}`, 'utf8')
	return `v1,${mac.digest('base64')}`
}

export function hmacSignature(secret: string, body: string, encoding: 'hex' | 'base64'): string {
	return createHmac('sha256', Buffer.from(secret, 'utf8')).update(body, 'utf8').digest(encoding)
}

/** The new secret first, then the previous one while its grace period lasts. */
function activeSecrets(signing: SigningConfig, now: number): string[] {
	if (signing.secret === null) throw new Error(`signing scheme ${signing.scheme} needs a secret`)
	const secrets = [signing.secret]
	if (signing.previous && now < signing.previous.until) secrets.push(signing.previous.secret)
	for (const k of signing.olderKeys ?? []) if (now < k.until) secrets.push(k.secret)
	return secrets
}

/**
 * Headers the scheme adds. For standard-webhooks this includes `webhook-id`
 * (the id is part of what is signed, so the set is complete on its own); the
 * caller adds the same `webhook-id` for every scheme anyway.
 */
export function signingHeaders({ signing, eventId, body, now }: SignInput): Record<string, string> {
	switch (signing.scheme) {
		case 'none':
			return {}
		case 'hmac-sha256': {
			const header = (signing.header || DEFAULT_HMAC_HEADER).toLowerCase()
			const values = activeSecrets(signing, now).map((s) => hmacSignature(s, body, signing.encoding))
			return { [header]: values.join(' ') }
		}
		case 'standard-webhooks': {
			const timestamp = Math.floor(now / 1000)
			const values = activeSecrets(signing, now).map((s) => standardWebhooksSignature(s, eventId, timestamp, body))
			return {
				'webhook-id': eventId,
				'webhook-timestamp': String(timestamp),
				'webhook-signature': values.join(' '),
			}
		}
	}
}
