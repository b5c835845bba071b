// Drives Xen Orchestra's own XenAPI client (npm `xen-api`) against a running
// simulator, so that the simulator is checked by a client we did not write.
//
// usage: node xo-client-check.mjs <url> <root password> [auto|json-rpc|xml-rpc]
//
// Prints one JSON line of facts on stdout and exits 0 when every step passed.
// On any failure, or after 60 s in total, prints the failed step and the facts
// gathered so far on stderr and exits 1. `DEBUG=xen-api` logs every call the
// client makes and what came back (on stdout, before the JSON line), which is
// how a protocol mismatch is best diagnosed.

import { createRequire } from 'node:module'
import { createClient } from 'xen-api'

const OVERALL_TIMEOUT_MS = 60e3

const [url, password, transport = 'auto'] = process.argv.slice(2)
if (url === undefined || password === undefined) {
  console.error('usage: node xo-client-check.mjs <url> <root password> [auto|json-rpc|xml-rpc]')
  process.exit(2)
}

const facts = {
  xenApiVersion: createRequire(import.meta.url)('xen-api/package.json').version,
  transport,
  paths: [],
  firstCalls: [],
  counts: {},
  events: { add: 0, update: 0, remove: 0 },
  warnings: [],
}
let step = 'starting'
let xapi

function fail(message) {
  console.error(`xo-client-check FAILED at step "${step}": ${message}`)
  console.error(JSON.stringify(facts))
  process.exit(1)
}

// xen-api reports what it could not load (a class whose get_all_records failed,
// an event.from error) only through console.warn and then carries on, so the
// warnings are collected: a clean run against the simulator must have none.
const originalWarn = console.warn
console.warn = (...args) => {
  facts.warnings.push(args.map(a => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(' '))
  originalWarn(...args)
}

// A hung step must not hang the build: the Java test also has its own timeout,
// but this one names the step.
setTimeout(() => fail(`overall timeout of ${OVERALL_TIMEOUT_MS / 1e3} s`), OVERALL_TIMEOUT_MS)

process.on('unhandledRejection', error => fail(`unhandled rejection: ${error?.stack ?? error}`))

// Resolves when `predicate()` holds, re-checking after every change xen-api
// applies to its object cache.
function until(predicate) {
  return new Promise(resolve => {
    const check = () => {
      const value = predicate()
      if (value) {
        xapi.objects.removeListener('add', check)
        xapi.objects.removeListener('update', check)
        xapi.objects.removeListener('remove', check)
        resolve(value)
      }
    }
    xapi.objects.on('add', check)
    xapi.objects.on('update', check)
    xapi.objects.on('remove', check)
    check()
  })
}

const calls = new Map()

function methodOf(body) {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString() : ''
  const xml = /<methodName>([^<]*)<\/methodName>/.exec(text)
  if (xml !== null) {
    return xml[1]
  }
  try {
    return JSON.parse(text).method ?? '?'
  } catch {
    return '?'
  }
}

const callCount = method => calls.get(method) ?? 0

const objectsOfType = type => Object.values(xapi.objects.all).filter(object => object.$type === type)

async function main() {
  step = 'create client'
  xapi = createClient({
    url,
    auth: { user: 'root', password },
    allowUnauthorized: true,
    transport,
  })

  // Which endpoint the client ends up talking to (auto tries /jsonrpc first and
  // falls back to /xmlrpc when the Content-Type is not exactly
  // application/json) is the key fact about transport negotiation; xen-api does
  // not expose it, so its private undici dispatcher is observed. The version is
  // pinned, so this private field cannot move under us unnoticed.
  // The method names are read from the request bodies for the same reason: they
  // document the connect sequence and show how often the event loop polls.
  const dispatcher = xapi._undiciDispatcher
  if (dispatcher === undefined || typeof dispatcher.dispatch !== 'function') {
    fail('xen-api no longer has _undiciDispatcher.dispatch: update the request observer for this version')
  }
  const dispatch = dispatcher.dispatch.bind(dispatcher)
  dispatcher.dispatch = (options, handler) => {
    const path = String(options.path).split('?')[0]
    if (!facts.paths.includes(path)) {
      facts.paths.push(path)
    }
    const method = methodOf(options.body)
    calls.set(method, (calls.get(method) ?? 0) + 1)
    if (facts.firstCalls.length < 6) {
      facts.firstCalls.push(method)
    }
    return dispatch(options, handler)
  }

  for (const kind of ['add', 'update', 'remove']) {
    xapi.objects.on(kind, changed => {
      facts.events[kind] += Object.keys(changed).length
    })
  }
  // event.from failing is a protocol problem; without this the client would
  // only warn and retry a minute later.
  xapi.on('eventFetchingError', error => fail(`event.from failed: ${error?.code ?? ''} ${error?.message ?? error}`))

  step = 'connect'
  await xapi.connect()
  facts.status = xapi.status

  step = 'initial object fetch'
  await xapi.objectsFetched
  for (const object of Object.values(xapi.objects.all)) {
    facts.counts[object.$type] = (facts.counts[object.$type] ?? 0) + 1
  }
  for (const type of ['pool', 'host', 'VM', 'network', 'SR', 'VDI', 'VBD', 'VIF', 'PIF']) {
    if (!(facts.counts[type] > 0)) {
      fail(`no ${type} objects were loaded; loaded: ${JSON.stringify(facts.counts)}`)
    }
  }
  if (xapi.pool === null || xapi.pool.$master === undefined) {
    fail('pool.master does not resolve to a loaded host')
  }

  step = 'choose a VM'
  const candidates = objectsOfType('VM').filter(
    vm => !vm.is_a_template && !vm.is_control_domain && !vm.is_a_snapshot
  )
  let vm = candidates.find(candidate => candidate.power_state === 'Halted')
  if (vm === undefined) {
    // the demo pool may have started every VM: stop one through callAsync so
    // there is a halted VM to start
    vm = candidates.find(candidate => candidate.power_state === 'Running')
    if (vm === undefined) {
      fail(`no halted or running ordinary VM among ${candidates.length} candidates`)
    }
    step = 'hard_shutdown a running VM first'
    const runningId = vm.$id
    await xapi.callAsync('VM.hard_shutdown', vm.$ref)
    vm = await until(() => {
      const current = xapi.getObject(runningId, undefined)
      return current?.power_state === 'Halted' ? current : undefined
    })
  }
  const vmId = vm.$id
  const vmRef = vm.$ref
  facts.vm = { uuid: vm.uuid, name_label: vm.name_label }

  step = 'VM.set_name_description seen as an update event'
  const description = `set by xen-api at ${new Date().toISOString()}`
  // listen before calling so that a fast event cannot be missed
  const updateSeen = new Promise(resolve => {
    const onUpdate = updated => {
      const object = updated[vmId]
      if (object !== undefined && object.name_description === description) {
        xapi.objects.removeListener('update', onUpdate)
        resolve(object)
      }
    }
    xapi.objects.on('update', onUpdate)
  })
  const setAt = Date.now()
  await xapi.call('VM.set_name_description', vmRef, description)
  await updateSeen
  facts.update = { seen: true, field: 'name_description', latencyMs: Date.now() - setAt }

  step = 'barrier'
  // xo-server calls barrier() after most changes: it adds a key to
  // pool.other_config and waits for the pool event carrying it
  await xapi.barrier()
  facts.barrier = true

  step = 'Async.VM.start'
  const taskRef = await xapi.call('Async.VM.start', vmRef, false, false)
  if (typeof taskRef !== 'string' || !taskRef.startsWith('OpaqueRef:')) {
    fail(`Async.VM.start returned ${JSON.stringify(taskRef)} instead of a task ref`)
  }

  step = 'watchTask(VM.start task)'
  const result = await xapi.watchTask(taskRef)
  const task = xapi.getObjectByRef(taskRef)
  facts.task = {
    name_label: task.name_label,
    status: task.status,
    progress: task.progress,
    result,
    rawResult: task.result,
  }
  if (task.status !== 'success') {
    fail(`task ended with status ${task.status}`)
  }

  step = 'VM power_state Running'
  const running = await until(() => {
    const current = xapi.getObject(vmId, undefined)
    return current?.power_state === 'Running' ? current : undefined
  })
  facts.vmPowerState = running.power_state
  facts.vmResidentOnHost = xapi.getObjectByRef(running.resident_on, undefined)?.$type === 'host'

  step = 'task.destroy seen as a remove event'
  const taskId = task.$id
  await xapi.call('task.destroy', taskRef)
  await until(() => xapi.getObject(taskId, undefined) === undefined)
  facts.taskRemoved = true

  step = 'callAsync VM.clean_shutdown'
  // callAsync is what the rest of XO uses: Async call, watchTask, task.destroy
  facts.cleanShutdownResult = await xapi.callAsync('VM.clean_shutdown', vmRef)
  await until(() => xapi.getObject(vmId, undefined)?.power_state === 'Halted')
  facts.vmPowerStateAfterShutdown = 'Halted'

  step = 'callAsync VM.clone returns the new ref'
  // a task whose result is a ref: xen-api parses task.result as an XML-RPC
  // <value>, so a bare "OpaqueRef:..." would not come back as a ref
  const cloneRef = await xapi.callAsync('VM.clone', vmRef, 'cloned by xen-api')
  if (typeof cloneRef !== 'string' || !cloneRef.startsWith('OpaqueRef:') || cloneRef === 'OpaqueRef:NULL') {
    fail(`VM.clone task result parsed as ${JSON.stringify(cloneRef)} instead of a VM ref`)
  }
  const clone = await until(() => xapi.getObjectByRef(cloneRef, undefined))
  facts.clone = { type: clone.$type, name_label: clone.name_label }
  await xapi.call('VM.destroy', cloneRef)
  await until(() => xapi.getObjectByRef(cloneRef, undefined) === undefined)
  facts.clone.removed = true

  // xen-api refetches every task when valid_ref_counts.task from event.from
  // disagrees with its cache, so a wrong count shows up as extra fetches
  facts.taskFetches = callCount('task.get_all_records')

  step = 'session expiry: re-login, then events still arrive'
  // xen-api re-logs in when a call fails with SESSION_INVALID; logging the
  // session out behind its back (through the private _call, as the public API
  // refuses session.* methods) is the cheapest way to make that happen
  const oldSession = xapi.sessionId
  await xapi._call('session.logout', [oldSession])
  const secondDescription = `${description} (after re-login)`
  await xapi.call('VM.set_name_description', vmRef, secondDescription)
  await until(() => xapi.getObject(vmId, undefined)?.name_description === secondDescription)
  facts.relogin = { newSession: xapi.sessionId !== oldSession, logins: callCount('session.login_with_password') }

  step = 'idle event loop'
  // event.from must block until something changes (or 60 s): a server that
  // answers at once makes xen-api poll every 200 ms
  const pollsBefore = callCount('event.from')
  await new Promise(resolve => setTimeout(resolve, 1500))
  facts.idleEventPolls = callCount('event.from') - pollsBefore
  facts.calls = Object.fromEntries([...calls.entries()].sort())

  if (facts.warnings.length > 0) {
    fail(`xen-api warned ${facts.warnings.length} time(s): ${facts.warnings.join(' | ')}`)
  }

  step = 'disconnect'
  await xapi.disconnect()
  console.log(JSON.stringify(facts))
  // the client keeps timers and sockets around after disconnect
  process.exit(0)
}

main().catch(error => {
  const code = error?.code !== undefined ? `${error.code} ` : ''
  const call = error?.call !== undefined ? ` (call ${error.call.method})` : ''
  fail(`${code}${error?.stack ?? error}${call}`)
})
