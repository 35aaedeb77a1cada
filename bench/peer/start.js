// The ingest peer of bench/run.sh: Contentstack's DataSync webhook listener with its defaults (endpoint /notify,
// event filters entry/asset publish, unpublish, delete; asset_folder and content_type delete) and a no-op notify.
// It answers 200 before notify runs, verifies no signature (only optional Basic auth and custom headers), stores
// nothing, and logs one line per request to stdout (its default console logger). Port: PORT (default 5000).
// Bound to loopback: the library calls server.listen(port) itself, so listen() is pinned to 127.0.0.1 here.
'use strict';
const http = require('http');
const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function (port, ...rest) {
  return typeof port === 'number' || typeof port === 'string' ? listen.call(this, Number(port), '127.0.0.1', ...rest)
    : listen.call(this, port, ...rest);
};
const listener = require('@contentstack/webhook-listener');

listener.register(async () => {});
listener.start({}).then(() => {
  console.log(`peer: @contentstack/webhook-listener listening on 127.0.0.1:${process.env.PORT || 5000}/notify`);
}).catch((err) => {
  console.error(err);
  process.exit(1);
});
