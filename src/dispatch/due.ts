// What the dispatcher remembers of each endpoint's next due time. A hint only:
// it may say "sooner" (or "unknown", which means look now) but a wrong "later"
// lasts no longer than one sweep, which reads the truth for every enabled
// endpoint at least once a second.
//
// A store read races with the writes around it: a read that began before a
// completion committed can come back after the completion lowered the hint,
// and must not raise it again. So every read takes a ticket; while a ticket is
// open, each lowering is written into it too, and settling a read keeps the
// lower of the two. forget() (a replay, an enable, a reload) voids every open
// ticket: what those reads saw may be older than the change.

export interface Ticket {
	epoch: number
	lowered: Map<string, number>
}

export class DueHints {
	private due = new Map<string, number>()
	private epoch = 0
	private open = new Set<Ticket>()

	/** The next due time as far as is known; undefined = unknown (look now); Infinity = nothing pending. */
	get(k: string): number | undefined { return this.due.get(k) }

	/** Something is due at `at` (or sooner): an unknown entry stays unknown. */
	lower(k: string, at: number) {
		const known = this.due.get(k)
		if (known !== undefined && at < known) this.due.set(k, at)
		for (const t of this.open) t.lowered.set(k, Math.min(at, t.lowered.get(k) ?? Infinity))
	}

	/** Unknown again: the next pass claims for it. */
	forgetOne(k: string) {
		this.due.delete(k)
		this.lower(k, -Infinity)
	}

	/** Everything unknown, and reads already under way count for nothing. */
	forget() {
		this.due.clear()
		this.epoch++
	}

	begin(): Ticket {
		const t = { epoch: this.epoch, lowered: new Map<string, number>() }
		this.open.add(t)
		return t
	}

	/** What a read under `t` found for `k` (null: nothing pending), less anything lowered since it began. */
	settle(t: Ticket, k: string, found: number | null) {
		if (t.epoch !== this.epoch) return
		const at = Math.min(found ?? Infinity, t.lowered.get(k) ?? Infinity)
		if (at === -Infinity) this.due.delete(k)
		else this.due.set(k, at)
	}

	end(t: Ticket) { this.open.delete(t) }

	/** An endpoint no longer in the config. */
	drop(k: string) { this.due.delete(k) }
}
