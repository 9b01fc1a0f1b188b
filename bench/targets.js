'use strict';
// Targets: the peers (started here as child processes on loopback, free ports)
// and our server (bench/server.config.js). Each target's start() returns
//   { pid, spec, stop(), info, prepare?(needs) }
// where `spec` tells the load workers how to speak to it (see lib/clients.js).
const path = require('path');
const { spawnListening, killChild, peerNodeArgs } = require('./lib/procs');
const { ensureWebStomp, reniceAll } = require('./peers/rabbitmq');
const serverCfg = require('./server.config');

const PEERS = path.join(__dirname, 'peers');

function nodePeer(file, args, name) {
  return async () => {
    const cp = await spawnListening(process.execPath, [...peerNodeArgs(), path.join(PEERS, file), ...args], name);
    return { cp, port: cp.benchPort, pid: cp.pid, stop: () => killChild(cp) };
  };
}

const targets = {
  ws: {
    label: 'raw ws (ws.send per socket)',
    peer: true,
    async start() {
      const p = await nodePeer('ws-broadcast.js', ['plain'], 'peer-ws')();
      return { ...p, spec: { kind: 'ws-raw', url: `ws://127.0.0.1:${p.port}/` } };
    },
  },
  'ws-frame': {
    label: 'raw ws, frame encoded once (Sender.frame)',
    peer: true,
    async start() {
      const p = await nodePeer('ws-broadcast.js', ['frame-once'], 'peer-ws-frame')();
      return { ...p, spec: { kind: 'ws-raw', url: `ws://127.0.0.1:${p.port}/` } };
    },
  },
  socketio: {
    label: 'socket.io 4 rooms (websocket transport)',
    peer: true,
    async start() {
      const p = await nodePeer('socketio-broadcast.js', [], 'peer-socketio')();
      return { ...p, spec: { kind: 'socketio', url: `ws://127.0.0.1:${p.port}` } };
    },
  },
  rabbitmq: {
    label: 'RabbitMQ Web-STOMP (same STOMP client)',
    peer: true,
    shared: true, // long-running broker: peak RSS is sampled, VmHWM is not meaningful
    async start(ctx) {
      const r = await ensureWebStomp(ctx.connections + 2000);
      if (!r.ok) return { skipped: r.reason };
      const restore = process.env.BENCH_NICE ? reniceAll(r.pid, Number(process.env.BENCH_NICE)) : () => {};
      return {
        pid: r.pid,
        info: { version: r.version, fdLimit: r.fdLimit },
        stop: async () => restore(),
        spec: {
          kind: 'stomp',
          transport: 'ws',
          url: `ws://127.0.0.1:${r.port}/ws`,
          protocols: ['v12.stomp', 'v11.stomp'],
          login: 'guest',
          passcode: 'guest',
          host: '/',
          subDest: '/topic/room.{room}',
          sendDest: '/topic/room.{room}',
          bodyShape: 'full',
          subscribeReceipt: true,
          heartbeat: ctx.heartbeat || [0, 0],
        },
      };
    },
  },
  server: {
    label: 'our server, STOMP over raw WebSocket',
    available: serverCfg.available,
    async start(ctx) {
      return serverCfg.start({ ...ctx, transport: 'ws' });
    },
  },
  'server-sockjs': {
    label: 'our server, STOMP over SockJS (websocket transport)',
    available: serverCfg.available,
    async start(ctx) {
      return serverCfg.start({ ...ctx, transport: process.env.BENCH_SOCKJS_CLIENT === '1' ? 'sockjs-client' : 'sockjs' });
    },
  },
};

module.exports = { targets };
