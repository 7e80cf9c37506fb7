// Polls an annual report edition while it builds, shows its progress, and opens it when done.
const box = document.querySelector("[data-edition-status-url]");
const POLL_MS = 2000;

async function poll() {
  try {
    const response = await fetch(box.dataset.editionStatusUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    const state = await response.json();
    box.querySelector("progress").value = state.progress;
    box.querySelector("progress").textContent = `${state.progress}%`;
    box.querySelector("#edition-step").textContent = `${state.step} (${state.progress}% done)`;
    if (state.status === "ready" || state.status === "failed") {
      window.location.reload();
      return;
    }
  } catch {
    // A missed poll is tried again: the page's own refresh link still works.
  }
  window.setTimeout(poll, POLL_MS);
}

if (box) window.setTimeout(poll, POLL_MS);
