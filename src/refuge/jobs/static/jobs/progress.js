// Polls the job's progress fragment every second until the job is done or failed.
(function () {
  const box = document.getElementById("job-progress");
  if (!box) return;
  const finished = () => {
    const state = box.querySelector("#job-state");
    return state && ["done", "failed"].includes(state.dataset.state);
  };
  const poll = () => {
    if (finished()) return;
    fetch(box.dataset.poll, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
      .then((html) => { box.innerHTML = html; })
      .finally(() => setTimeout(poll, 1000));
  };
  setTimeout(poll, 1000);
})();
