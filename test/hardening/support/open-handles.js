// Finds what keeps a hardening run from ending (the suite runs without forceExit):
//   npx jest -c jest.hardening.config.js test/hardening/<file> --setupFilesAfterEnv ./test/hardening/support/open-handles.js
// After the file's own afterAll hooks, it lists every timer, socket and immediate still holding the
// event loop, with the stack that created it (or, for accepted sockets, their local address).
const { createHook } = require('node:async_hooks');

const live = new Map();
createHook({
  init(id, type, _trigger, resource) {
    if (type === 'Timeout' || type === 'TCPWRAP' || type === 'Immediate')
      live.set(id, { type, resource, stack: new Error().stack.split('\n').slice(3, 30).join('\n') });
  },
  destroy(id) {
    live.delete(id);
  },
}).enable();

const where = ({ type, resource }) => {
  if (type === 'Timeout') return `${resource._idleTimeout} ms`;
  const local = {};
  const peer = {};
  try {
    resource.getsockname(local);
    resource.getpeername(peer);
  } catch {
    // not connected
  }
  return `${local.address}:${local.port} -> ${peer.address ?? '(none)'}:${peer.port ?? ''}`;
};

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 3000).unref());
  const holding = [...live.values()].filter(
    ({ type, resource }) => type !== 'Timeout' || (resource.hasRef() && !resource._destroyed),
  );
  process.stderr.write(
    `\nStill holding the event loop (${holding.length}; a 20000 ms Timeout is Jest's own timeout for this report):\n` +
      holding.map((h) => `${h.type} ${where(h)}\n${h.stack}`).join('\n----\n') +
      '\n',
  );
}, 20_000);
