// Loads the wasm module and mounts the app. No top-level await: errors show on the page.
import init, { start_app } from './taolab_playground.js';

init().then(() => {
  const loading = document.getElementById('loading');
  if (loading) loading.remove();
  start_app();
}).catch((e) => {
  const p = document.getElementById('loading');
  if (p) p.textContent = 'The playground could not start: ' + e;
  console.error(e);
});
