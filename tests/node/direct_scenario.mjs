// A direct-connect scenario, run by tests/node/direct.test.mjs in a node with WebSocket (Node 20:
// `--experimental-websocket`) for each SDK: `node direct_scenario.mjs <module>` prints JSON.
import { createServer } from 'node:http'
import { createHash } from 'node:crypto'

const sdk = await import(process.argv[2])
const seen = []

/** A WebSocket text frame from the server (unmasked). */
function frame(text, opcode = 1) {
  const payload = Buffer.from(text)
  const head = payload.length < 126 ? Buffer.from([0x80 | opcode, payload.length]) : Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 255])
  return Buffer.concat([head, payload])
}

/** The text of a client's (masked) frame, and its opcode. */
function unmask(data) {
  const length = data[1] & 127
  const mask = data.subarray(2, 6)
  const payload = Buffer.from(data.subarray(6, 6 + length).map((b, i) => b ^ mask[i % 4]))
  return { opcode: data[0] & 15, text: payload.toString() }
}

const server = createServer(async (req, res) => {
  let body = ''
  for await (const chunk of req) body += chunk
  seen.push({ method: req.method, url: req.url, auth: req.headers.authorization ?? null, body })
  const mode = process.env.MODE
  if (req.method === 'DELETE') return res.end()
  if (mode === 'fail') return res.writeHead(500, 'Server Error').end('boom')
  if (mode === 'invalid') return res.end(JSON.stringify({ session_id: 7, work_dir: 1 }))
  const { port } = server.address()
  res.setHeader('content-type', 'application/json')
  res.end(JSON.stringify({ session_id: 's-9', ws_url: `ws://127.0.0.1:${port}/ws`, work_dir: '/w' }))
})
server.on('upgrade', (req, socket) => {
  seen.push({ upgrade: req.url, auth: req.headers.authorization ?? null })
  const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64')
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`)
  socket.write(frame('{"a":1}\n{"b"'))
  socket.write(frame(':2}\nnot json\n{"partial":'))
  socket.on('error', () => {})
  socket.on('data', (data) => {
    if (socket.writableEnded) return
    const { opcode, text } = unmask(data)
    seen.push({ frame: opcode === 8 ? 'close' : text })
    if (opcode === 8) return socket.end(frame(data.subarray(6, 8).toString('latin1'), 8))
    socket.write(frame('true}\n'))
    if (process.env.MODE === 'abnormal') socket.end(frame(Buffer.from([15, 161, ...Buffer.from('bye')]).toString('latin1'), 8))
  })
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const serverUrl = `http://127.0.0.1:${server.address().port}`

const out = { parse: [] }
for (const url of ['cc://localhost:8080/tok123', 'cc://host/tok/extra?x=1', 'cc://user:pw@h:1/t', 'cc://h/a b', 'HTTPS://Example.COM/a',
  'https://example.com:443/', 'example.com:9000', '[::1]:8080', 'ws://host:1', '', 'cc://', 'cc+unix:///tmp/s', 'cc://h:99999']) {
  try {
    const parsed = sdk.parseDirectConnectUrl(url)
    out.parse.push({ ...parsed, keys: Object.keys(parsed) })
  } catch (e) {
    out.parse.push({ error: e.name, message: e.message, code: e.code, keys: Object.keys(e), direct: e instanceof sdk.DirectConnectError })
  }
}
const transport = new sdk.DirectConnectTransport({ serverUrl, authToken: 'TOK', cwd: '/tmp/x', sessionKey: 'k1', permissionMode: 'plan', deleteSessionOnClose: true })
try {
  await transport.ready
  out.session = [transport.getSessionId(), transport.getWorkDir(), transport.isReady()]
  await transport.write('{"hello":1}\n')
  const messages = []
  try {
    for await (const message of transport.readMessages()) {
      messages.push(message)
      // The abnormal close comes after the third message: read on to see it.
      if (messages.length === 3 && process.env.MODE !== 'abnormal') break
    }
  } catch (e) {
    out.readError = { name: e.name, message: e.message, code: e.code }
  }
  out.messages = messages
  out.readyAfter = transport.isReady()
  transport.close()
} catch (e) {
  out.failed = { name: e.name, message: e.message, code: e.code }
}
const refused = new sdk.DirectConnectTransport({ serverUrl: 'http://127.0.0.1:1' })
out.refused = await refused.ready.then(() => 'ready', (e) => ({ name: e.name, message: e.message, code: e.code }))
out.refusedRead = await (async () => {
  try {
    for await (const m of refused.readMessages()) void m
    return 'ended'
  } catch (e) {
    return e.message
  }
})()
await new Promise((resolve) => setTimeout(resolve, 200))
out.seen = seen
server.close()
console.log(JSON.stringify(out))
process.exit(0)
