// Polls a job that runs on a worker (an annual report edition, a 903 import), shows its
// progress, and reloads the page when the job has finished.
const box = document.querySelector("[data-status-url]");
const POLL_MS = 2000;
const FINISHED = ["ready", "failed", "done", "refused"];

async function poll() {
  try {
    const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    const state = await response.json();
    box.querySelector("progress").value = state.progress;
    box.querySelector("progress").textContent = `${state.progress}%`;
    box.querySelector("[data-step]").textContent = `${state.step} (${state.progress}% done)`;
    if (FINISHED.includes(state.status)) {
      window.location.reload();
      return;
    }
  } catch {
    // A missed poll is tried again: the page's own refresh link still works.
  }
  window.setTimeout(poll, POLL_MS);
}

if (box) window.setTimeout(poll, POLL_MS);
