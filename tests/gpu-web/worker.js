// The playground's shape: the study runs in a module worker, which has navigator.gpu too.
import init, { parity } from "./pkg/taolab_gpu_web.js";
self.onmessage = async (e) => {
  try {
    await init();
    self.postMessage(JSON.parse(await parity(e.data)));
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
};
