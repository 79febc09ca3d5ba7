// Preloaded into server-everything (`node --require loopback_only.cjs ...`): its servers call
// `app.listen(PORT)`, which listens on every interface, and no option or variable changes
// that. This pins every listening socket of the process to 127.0.0.1, so that a test peer is
// never reachable from outside the machine, even for the moments it runs.
"use strict";
const net = require("node:net");

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, callback])
    if (typeof args[1] === "string") {
      args[1] = "127.0.0.1";
    } else {
      args.splice(1, 0, "127.0.0.1");
    }
  } else if (first !== null && typeof first === "object" && "port" in first) {
    args[0] = { ...first, host: "127.0.0.1" };
  } else if (first === undefined || typeof first === "function") {
    // listen([callback]): a random port on every interface; pin it too.
    args.unshift(0, "127.0.0.1");
  }
  return listen.apply(this, args);
};

// The test kills this process when it ends; should the test itself be killed first (a
// signal, a CI timeout), exit when it is gone rather than linger as an orphan.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 500).unref();
