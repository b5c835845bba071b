// Times Xen Orchestra's own XenAPI client (npm `xen-api`) from creating the
// client until it holds every object of the pool (objectsFetched): the baseline
// of VMEmperor's cache load in bench/run-all.sh.
//
// usage: node xo-load.mjs <url> <root password>
// prints one JSON line: {"ms": ..., "objects": ..., "rssMb": ...}

import { createClient } from 'xen-api'

const [url, password] = process.argv.slice(2)
const started = process.hrtime.bigint()
const xapi = createClient({ url, auth: { user: 'root', password }, allowUnauthorized: true })
await xapi.connect()
await xapi.objectsFetched
const ms = Number(process.hrtime.bigint() - started) / 1e6
const objects = Object.keys(xapi.objects.all).length
console.log(JSON.stringify({ ms: Math.round(ms), objects, rssMb: Math.round(process.memoryUsage().rss / 1048576) }))
process.exit(0)
