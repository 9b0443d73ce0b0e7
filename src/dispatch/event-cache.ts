import type { StoredEvent } from '../domain'

/** JSON size of what an event holds: what it costs to keep, give or take the object overhead. */
export function eventBytes(e: StoredEvent): number {
	return JSON.stringify(e.data).length + JSON.stringify(e.metadata).length + e.id.length + e.type.length + 64
}

interface Entry {
	event: StoredEvent
	bytes: number
	/** claims still to come (an ingested event: one per job); Infinity when unknown */
	left: number
}

// Recent events by primary key, so a claim need not read back what ingest just
// wrote, nor read an event again for each endpoint it fans out to. Only events
// a claim will need go in (the caller leaves out events with no job), an
// ingested event leaves once each of its jobs has been claimed, and the whole
// cache is bounded by bytes, not by count: 3,000 events of 250 KB must not
// stay resident because the cache had room for 20,000 of them.
//
// Two generations instead of an LRU: when the young one holds half the budget
// it becomes the old one and the former old one is dropped, all O(1)
// (deleting from the front of one big Map leaves tombstones that make each
// later trim slower).
export class EventCache {
	private young = new Map<number, Entry>()
	private old = new Map<number, Entry>()
	private youngBytes = 0
	private oldBytes = 0

	/**
	 * budgetBytes: the most both generations hold together (one event above it
	 * at most); maxEntries: the same for the number of events, so tiny events do
	 * not pile up as map entries.
	 */
	constructor(private budgetBytes = 2 << 20, private maxEntries = 20_000, private sizeOf: (e: StoredEvent) => number = eventBytes) {}

	get bytes() { return this.youngBytes + this.oldBytes }
	get size() { return this.young.size + this.old.size }

	get(pk: number): StoredEvent | undefined {
		return (this.young.get(pk) ?? this.old.get(pk))?.event
	}

	has(pk: number): boolean {
		return this.young.has(pk) || this.old.has(pk)
	}

	/** `claims`: how many claims will ask for it (its jobs), when known. */
	set(pk: number, event: StoredEvent, claims = Infinity) {
		if (claims <= 0) return
		const bytes = this.sizeOf(event)
		// larger than a generation: it would only push everything else out
		if (bytes > this.budgetBytes / 2) return
		this.drop(pk)
		this.young.set(pk, { event, bytes, left: claims })
		this.youngBytes += bytes
		if (this.youngBytes >= this.budgetBytes / 2 || this.young.size >= this.maxEntries / 2) {
			this.old = this.young
			this.oldBytes = this.youngBytes
			this.young = new Map()
			this.youngBytes = 0
		}
	}

	/** One job of the event was claimed: once all of them have been, it is not needed any more. */
	claimed(pk: number) {
		const entry = this.young.get(pk) ?? this.old.get(pk)
		if (entry && --entry.left <= 0) this.drop(pk)
	}

	private drop(pk: number) {
		const y = this.young.get(pk)
		if (y) { this.young.delete(pk); this.youngBytes -= y.bytes; return }
		const o = this.old.get(pk)
		if (o) { this.old.delete(pk); this.oldBytes -= o.bytes }
	}
}
