// A dedicated module worker running long jobs (sweeps, worlds, the consensus map) with the
// same wasm module as the page. Each message is a JSON request string; the reply is a JSON
// string, and progress arrives as { progress: [done, total] } objects. The consensus map may
// await WebGPU (navigator.gpu exists in workers too), so worker_run returns a promise.
import init, { worker_run } from './taolab_playground.js';

const ready = init();
self.onmessage = async (event) => {
  await ready;
  const reply = await worker_run(String(event.data), (done, total) => {
    self.postMessage({ progress: [done, total] });
  });
  self.postMessage(reply);
};
