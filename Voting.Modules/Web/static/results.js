// Live results: the server renders the current counts; this keeps them moving over SignalR, and
// reconnects by itself (forever, every few seconds) when the connection or the server goes away.
(() => {
  "use strict";
  const section = document.querySelector("section.results[data-poll-id]");
  if (!section || !window.signalR) return;
  const pollId = section.dataset.pollId;
  const status = section.querySelector("[data-connection]");
  const announce = section.querySelector("[data-announce]");
  const closedNotice = section.querySelector("[data-closed]");

  const setStatus = (text, state) => {
    if (!status) return;
    status.textContent = text;
    status.dataset.state = state;
  };

  const percent = (votes, total) => (total === 0 ? 0 : Math.round((100 * votes) / total));

  const render = (snapshot) => {
    if (!snapshot || snapshot.pollId !== pollId) return;
    for (const option of snapshot.options) {
      const row = section.querySelector(`[data-option-id="${CSS.escape(option.id)}"]`);
      if (!row) continue;
      const count = row.querySelector("[data-votes]");
      count.dataset.votes = String(option.votes);
      count.textContent = String(option.votes);
      const p = percent(option.votes, snapshot.total);
      row.querySelector(".percent").textContent = `${p}%`;
      const fill = row.querySelector(".fill");
      fill.dataset.percent = String(p);
      fill.style.width = `${p}%`;
    }
    const total = section.querySelector("[data-total]");
    if (total) {
      total.dataset.total = String(snapshot.total);
      total.textContent = String(snapshot.total);
    }
    if (closedNotice) closedNotice.hidden = !snapshot.closed;
    if (announce) {
      const leader = [...snapshot.options].sort((a, b) => b.votes - a.votes)[0];
      announce.textContent = snapshot.total === 0 ? "No votes yet."
        : `${snapshot.total} votes. Leading: ${leader.label} with ${percent(leader.votes, snapshot.total)}%.`;
    }
  };

  // Bars start at the widths the server computed; CSP forbids inline styles, so set them here.
  for (const fill of section.querySelectorAll(".fill[data-percent]")) {
    fill.style.width = `${fill.dataset.percent}%`;
  }

  const connection = new signalR.HubConnectionBuilder()
    .withUrl(section.dataset.hub || "/hubs/results")
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => Math.min(500 * 2 ** ctx.previousRetryCount, 3000) })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  connection.on("results", render);

  const subscribe = () => connection.invoke("Subscribe", pollId);
  connection.onreconnecting(() => setStatus("Reconnecting…", "reconnecting"));
  connection.onreconnected(async () => {
    // A new connection has no group memberships: subscribe again, which also sends a fresh snapshot.
    await subscribe();
    setStatus("Live", "live");
  });
  connection.onclose(() => start());

  async function start() {
    setStatus("Connecting…", "reconnecting");
    for (;;) {
      try {
        await connection.start();
        await subscribe();
        setStatus("Live", "live");
        return;
      } catch {
        setStatus("Reconnecting…", "reconnecting");
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  }
  start();
})();
