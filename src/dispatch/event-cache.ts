import type { StoredEvent } from '../domain'

// Recent events by primary key, so a claim need not read back what ingest just
// wrote, nor read an event again for each endpoint it fans out to. Two
// generations instead of an LRU: when the young one is full it becomes the old
// one and the former old one is dropped, all O(1) (deleting from the front of
// one big Map leaves tombstones that make each later trim slower).
export class EventCache {
	private young = new Map<number, StoredEvent>()
	private old = new Map<number, StoredEvent>()

	constructor(private generation = 10_000) {}

	get(pk: number): StoredEvent | undefined {
		return this.young.get(pk) ?? this.old.get(pk)
	}

	has(pk: number): boolean {
		return this.young.has(pk) || this.old.has(pk)
	}

	set(pk: number, e: StoredEvent) {
		this.young.set(pk, e)
		if (this.young.size >= this.generation) {
			this.old = this.young
			this.young = new Map()
		}
	}
}
