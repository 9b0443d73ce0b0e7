import { expect, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import { standardWebhooksSignature } from '../../src/signing/sign'
import { ROOT, freePort } from '../support/process'
import { waitFor } from '../support/wait'

// `hookgate listen` as an operator runs it: a child process on loopback.
async function listen(args: string[]) {
	const port = freePort()
	const proc = Bun.spawn(['bun', 'src/main.ts', 'listen', '--port', String(port), ...args], {
		cwd: ROOT, stdout: 'pipe', stderr: 'pipe', env: { PATH: `${ROOT}/node_modules/.bin:${process.env.PATH}` },
	})
	let out = ''
	;(async () => { for await (const c of proc.stdout) out += new TextDecoder().decode(c) })()
	await waitFor(() => out.includes('hookgate listen:'), 10_000, 'listen to start')
	return { port, output: () => out, stop: () => { proc.kill(); return proc.exited } }
}

const BODY = '{"type":"invoice.paid","data":{"a":1}}'

test('listen verifies an x-signature holding two values, prints the request with secrets redacted, answers its status', async () => {
	const l = await listen(['--secret', 'listen-secret', '--scheme', 'hmac-sha256', '--status', '202'])
	try {
		const good = createHmac('sha256', 'listen-secret').update(BODY).digest('hex')
		const res = await fetch(`http://127.0.0.1:${l.port}/hooks/a?x=1`, {
			method: 'POST', body: BODY,
			headers: { 'content-type': 'application/json', 'x-signature': `${'0'.repeat(64)} ${good}`, 'x-api-key': 'key-very-secret-9876' },
		})
		expect(res.status).toBe(202)
		await waitFor(() => l.output().includes('signature (hmac-sha256): verified'), 5000, 'the verdict')
		expect(l.output()).toContain('POST /hooks/a?x=1')
		expect(l.output()).toContain('"invoice.paid"')
		expect(l.output()).not.toContain('key-very-secret-9876')
		expect(l.output()).toContain('…9876')
	} finally {
		await l.stop()
	}
})

test('listen says NOT VERIFIED for a wrong standard-webhooks signature and verified for a right one', async () => {
	const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
	const l = await listen(['--secret', secret, '--scheme', 'standard-webhooks'])
	try {
		const ts = Math.floor(Date.now() / 1000)
		const send = (sig: string) => fetch(`http://127.0.0.1:${l.port}/sw`, {
			method: 'POST', body: BODY, headers: { 'webhook-id': 'evt_1', 'webhook-timestamp': String(ts), 'webhook-signature': sig },
		})
		expect((await send('v1,AAAA')).status).toBe(200)
		await waitFor(() => l.output().includes('NOT VERIFIED'), 5000, 'the refusal')
		await send(`v1,AAAA ${standardWebhooksSignature(secret, 'evt_1', ts, BODY)}`)
		await waitFor(() => l.output().includes('signature (standard-webhooks): verified'), 5000, 'the verdict')
	} finally {
		await l.stop()
	}
})
