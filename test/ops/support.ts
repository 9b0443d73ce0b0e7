// Helpers shared by the operations tests.
import parse, { type Family } from 'parse-prometheus-text-format'

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
	const until = Date.now() + timeoutMs
	while (!(await cond())) {
		if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
		await Bun.sleep(20)
	}
}

export type Scrape = Family[] & { text: string }

/** GET /metrics, parsed by a Prometheus text parser (which throws on a malformed line). */
export async function scrape(url: string, token?: string): Promise<Scrape> {
	const res = await fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
	if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`)
	const text = await res.text()
	return Object.assign(parse(text), { text })
}

/**
 * The `_count` of a labelled histogram, summed over matching series, read from
 * the text: parse-prometheus-text-format keeps only the buckets of one series
 * and drops the labels of labelled histograms.
 */
export function histogramCount(s: Scrape, name: string, labels: Record<string, string> = {}): number {
	let total = 0
	for (const line of s.text.split('\n')) {
		const m = new RegExp(`^${name}_count\\{([^}]*)\\} (\\S+)$`).exec(line)
		if (!m) continue
		const have = Object.fromEntries([...m[1].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]))
		if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[2])
	}
	return total
}

/** The value of one sample whose labels include `labels`; 0 when absent. */
export function sample(families: Family[], name: string, labels: Record<string, string> = {}): number {
	const f = families.find((x) => x.name === name)
	if (!f) throw new Error(`no family ${name}`)
	let total = 0
	for (const m of f.metrics) {
		if (Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)) total += Number(m.value ?? m.count ?? 0)
	}
	return total
}
