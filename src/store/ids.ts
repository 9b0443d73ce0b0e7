import { monotonicFactory } from 'ulid'

// Generated ids are a prefix and a ULID, so they sort by creation time.
const next = monotonicFactory()

export const newEventId = () => `evt_${next()}`
export const newSessionId = () => `ses_${next()}`
export const newJobId = () => `job_${next()}`
