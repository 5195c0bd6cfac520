// Preloaded into the server by test/shutdown.test.ts (node --import): counts the TCP connections the
// server accepted and the HTTP requests it read, and prints both as it exits, so that the test can
// tell a request the server took (it must be answered) from one still in the kernel's queue at
// SIGTERM (refused when the listener closes: the client may retry it elsewhere).
import net from 'node:net';
import { isMainThread } from 'node:worker_threads';

let accepted = 0;
let requests = 0;
const emit = net.Server.prototype.emit;
net.Server.prototype.emit = function (event, ...args) {
  if (event === 'connection') accepted++;
  if (event === 'request') requests++;
  return emit.call(this, event, ...args);
};
// Worker threads (the SVM's training) inherit the preload: only the server's thread reports.
if (isMainThread) process.on('exit', () => process.stderr.write(`shutdown-probe ${JSON.stringify({ accepted, requests })}\n`));
