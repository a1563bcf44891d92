// Live results: the server renders the current counts; this keeps them moving over SignalR, and
// reconnects by itself (forever, every few seconds) when the connection or the server goes away.
(() => {
  "use strict";
  const section = document.querySelector("section.results[data-poll-id]");
  if (!section) return;
  const pollId = section.dataset.pollId;
  const status = section.querySelector("[data-connection]");
  const announce = section.querySelector("[data-announce]");
  const closedNotice = section.querySelector("[data-closed]");
  const fullscreen = section.querySelector("[data-fullscreen]");

  if (fullscreen && document.fullscreenEnabled) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", () => {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(() => {});
    });
  }

  const setStatus = (text, state) => {
    if (!status) return;
    status.hidden = false;
    status.textContent = text;
    status.dataset.state = state;
  };

  const percent = (votes, total) => (total === 0 ? 0 : Math.round((100 * votes) / total));

  const setWidth = (fill, p) => {
    fill.dataset.percent = String(p);
    // CSP forbids inline style attributes in the HTML, but allows setting them from a script.
    fill.style.width = `${p}%`;
  };

  const markLeaders = (options, total) => {
    const top = Math.max(0, ...options.map((o) => o.votes));
    for (const option of options) {
      const row = section.querySelector(`[data-option-id="${CSS.escape(option.id)}"]`);
      if (row) row.classList.toggle("leading", total > 0 && option.votes === top);
    }
  };

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
      setWidth(row.querySelector(".fill"), p);
    }
    markLeaders(snapshot.options, snapshot.total);
    const total = section.querySelector("[data-total]");
    if (total) {
      const changed = total.dataset.total !== String(snapshot.total);
      total.dataset.total = String(snapshot.total);
      total.textContent = String(snapshot.total);
      const unit = section.querySelector("[data-total-unit]");
      if (unit) unit.textContent = snapshot.total === 1 ? "vote" : "votes";
      if (changed && announce) {
        const leader = [...snapshot.options].sort((a, b) => b.votes - a.votes)[0];
        announce.textContent = snapshot.total === 0 ? "No votes yet."
          : `${snapshot.total} votes. Leading: ${leader.label} with ${percent(leader.votes, snapshot.total)}%.`;
      }
    }
    if (closedNotice) closedNotice.hidden = !snapshot.closed;
  };

  // Bars start at the widths the server computed.
  for (const fill of section.querySelectorAll(".fill[data-percent]")) setWidth(fill, Number(fill.dataset.percent));
  const initial = [...section.querySelectorAll(".bar-row[data-option-id]")].map((row) => ({
    id: row.dataset.optionId, votes: Number(row.querySelector("[data-votes]").dataset.votes),
  }));
  markLeaders(initial, Number(section.querySelector("[data-total]")?.dataset.total || 0));

  if (!window.signalR) return;
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(section.dataset.hub || "/hubs/results")
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => Math.min(500 * 2 ** ctx.previousRetryCount, 3000) })
    .configureLogging(signalR.LogLevel.None)
    .build();
  connection.on("results", render);

  const subscribe = () => connection.invoke("Subscribe", pollId);
  connection.onreconnecting(() => setStatus("Reconnecting…", "reconnecting"));
  connection.onreconnected(async () => {
    // A new connection has no group memberships: subscribe again, which also sends a fresh snapshot.
    try {
      await subscribe();
      setStatus("Live", "live");
    } catch {
      connection.stop();
    }
  });
  // Automatic reconnection gives up on a clean close (a server shutting down): start over here,
  // after a pause, so a server that accepts connections but cannot subscribe is not hammered.
  connection.onclose(() => {
    setStatus("Reconnecting…", "reconnecting");
    setTimeout(() => start(true), 1000);
  });

  async function start(again) {
    setStatus(again ? "Reconnecting…" : "Connecting…", again ? "reconnecting" : "connecting");
    for (let attempt = 0; ; attempt++) {
      try {
        await connection.start();
        await subscribe();
        setStatus("Live", "live");
        return;
      } catch {
        if (connection.state !== signalR.HubConnectionState.Disconnected) {
          // Connected but Subscribe failed (the database is down, say): onclose starts over.
          connection.stop();
          return;
        }
        setStatus("Reconnecting…", "reconnecting");
        await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 3000)));
      }
    }
  }
  start(false);
})();
