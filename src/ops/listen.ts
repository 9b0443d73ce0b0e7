import { timingSafeEqual } from 'node:crypto'
import { parseJsonBounded } from '../json'
import { isSensitiveHeader, redactHeaderValue } from '../signing/headers'
import { hmacSignature, standardWebhooksSignature, DEFAULT_HMAC_HEADER } from '../signing/sign'

const flagOf = (args: string[], name: string) => {
	const i = args.indexOf(name)
	return i >= 0 ? args[i + 1] : undefined
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

/** Whether any of the space-separated signatures verifies with the secret. */
export function verifySignature(scheme: string, secret: string, headers: Headers, body: string): boolean {
	if (scheme === 'standard-webhooks') {
		const id = headers.get('webhook-id') ?? ''
		const ts = Number(headers.get('webhook-timestamp'))
		const expected = standardWebhooksSignature(secret, id, ts, body)
		return (headers.get('webhook-signature') ?? '').split(' ').some((s) => same(s, expected))
	}
	const value = headers.get(DEFAULT_HMAC_HEADER) ?? ''
	return value.split(' ').some((s) => same(s, hmacSignature(secret, body, 'hex')) || same(s, hmacSignature(secret, body, 'base64')))
}

// A receiver for trying a flow end to end: prints what arrives, checks the signature.
export async function listen(args: string[]): Promise<number> {
	const port = Number(flagOf(args, '--port') ?? 9000)
	const secret = flagOf(args, '--secret')
	const scheme = flagOf(args, '--scheme') ?? 'standard-webhooks'
	const status = Number(flagOf(args, '--status') ?? 200)
	if (!Number.isInteger(port) || port < 0 || port > 65535) { console.error('--port must be 0-65535'); return 2 }
	if (!['hmac-sha256', 'standard-webhooks'].includes(scheme)) { console.error('--scheme must be hmac-sha256 or standard-webhooks'); return 2 }
	if (!Number.isInteger(status) || status < 100 || status > 599) { console.error('--status must be an HTTP status code'); return 2 }
	const server = Bun.serve({
		hostname: '127.0.0.1',
		port,
		async fetch(req) {
			const body = await req.text()
			const url = new URL(req.url)
			const lines = [`${new Date().toISOString()} ${req.method} ${decodeURIComponent(url.pathname)}${url.search}`]
			for (const [name, value] of req.headers) lines.push(`  ${name}: ${isSensitiveHeader(name, false) ? redactHeaderValue(value) : value}`)
			let pretty = body
			const parsed = parseJsonBounded(body)
			if (parsed.ok) pretty = JSON.stringify(parsed.value, null, 2)
			lines.push(pretty)
			if (secret) lines.push(`signature (${scheme}): ${verifySignature(scheme, secret, req.headers, body) ? 'verified' : 'NOT VERIFIED'}`)
			console.log(`${lines.join('\n')}\n`)
			return new Response(status >= 200 && status < 300 ? 'ok' : 'listen: configured status', { status })
		},
	})
	console.log(`hookgate listen: http://127.0.0.1:${server.port}/ answering ${status}`)
	return -1
}
