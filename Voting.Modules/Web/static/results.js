// Live results: the server renders the current counts; this keeps them moving over SignalR, and
// reconnects by itself (forever, every few seconds) when the connection or the server goes away.
// While the results are hidden the server sends only the number of votes; the bars appear when a
// message with the options arrives (a reveal, or the close of a poll that waits for it).
(() => {
  "use strict";
  // An event's presenter screen (event.js) puts each live poll's section in the page and runs this
  // script again for it: each run takes the one section not taken yet.
  const section = document.querySelector("section.results[data-poll-id]:not([data-attached])");
  if (!section) return;
  section.dataset.attached = "";
  const pollId = section.dataset.pollId;
  const status = section.querySelector("[data-connection]");
  const announce = section.querySelector("[data-announce]");
  const closedNotice = section.querySelector("[data-closed]");
  const waiting = section.querySelector("[data-waiting]");
  const countdown = section.querySelector("[data-countdown]");
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
    for (const row of section.querySelectorAll(".bar-row[data-option-id]")) {
      const option = options.find((o) => o.id === row.dataset.optionId);
      row.classList.toggle("leading", Boolean(option) && total > 0 && option.votes === top);
    }
  };

  // A hidden poll's rows have no figures: they are made on the reveal, and taken away on a hide,
  // so the page never holds a count it may not show.
  const figures = (row) => {
    const holder = row.querySelector("[data-figures]");
    if (!holder.querySelector("[data-votes]")) {
      const count = document.createElement("span");
      count.className = "count";
      count.dataset.votes = "0";
      const share = document.createElement("span");
      share.className = "percent";
      holder.replaceChildren(count, " ", share);
    }
    return holder;
  };

  const setTotal = (value) => {
    const total = section.querySelector("[data-total]");
    if (!total) return false;
    const changed = total.dataset.total !== String(value);
    total.dataset.total = String(value);
    total.textContent = String(value);
    const unit = section.querySelector("[data-total-unit]");
    if (unit) unit.textContent = value === 1 ? "vote" : "votes";
    return changed;
  };

  // A words poll's cloud: rebuilt from each message, in the order the server sends (most votes
  // first), so the DOM, and a screen reader, read the most given words first. Sizes as WordCloud.cs.
  const cloud = section.querySelector("[data-cloud]");
  const cloudEmpty = section.querySelector("[data-cloud-empty]");
  const wordSize = (votes, top) => (top <= 0 ? 1 : Math.min(6, Math.max(1, 1 + Math.round(5 * Math.sqrt(votes / top)))));
  const drawCloud = (words, hidden) => {
    if (!cloud) return;
    const top = Math.max(0, ...words.map((w) => w.votes));
    cloud.replaceChildren(...words.map((w) => {
      const item = document.createElement("li");
      item.className = "word";
      item.dataset.word = w.text;
      item.dataset.votes = String(w.votes);
      item.dataset.size = String(wordSize(w.votes, top));
      const votes = document.createElement("span");
      votes.className = "sr-only";
      votes.textContent = `, ${w.votes} ${w.votes === 1 ? "vote" : "votes"}`;
      item.append(w.text, votes);
      return item;
    }));
    if (cloudEmpty) cloudEmpty.hidden = hidden || words.length > 0;
    fitCloud();
  };

  // On the presenter view the cloud has one screen's height: when many long words overflow it, the
  // whole cloud is scaled down in steps (sizes stay in proportion) until every word shows. Without a
  // script the overflow is cut off instead of scrolling the projector.
  const baseCloudSize = "clamp(0.8rem, min(1.1vw, 2.1vh), 2rem)";
  function fitCloud() {
    if (!cloud || !section.classList.contains("presenter")) return;
    cloud.style.fontSize = "";
    for (let scale = 0.9; cloud.scrollHeight > cloud.clientHeight + 1 && scale > 0.3; scale *= 0.9) {
      cloud.style.fontSize = `calc(${scale.toFixed(3)} * ${baseCloudSize})`;
    }
  }
  if (cloud) {
    fitCloud();
    window.addEventListener("resize", fitCloud);
  }

  // A rating poll's average: only while the results show, and only once there is a ballot.
  const averageBox = section.querySelector("[data-average-box]");
  const drawAverage = (average) => {
    if (!averageBox) return;
    const value = averageBox.querySelector("[data-average]");
    const text = typeof average === "number" ? average.toFixed(2) : "";
    value.dataset.average = text;
    value.textContent = text;
    averageBox.hidden = text === "";
  };

  const waitingFor = (snapshot) => (snapshot.resultsVisibility === "closed" && !snapshot.closed && snapshot.resultsRevealed == null
    ? "Results appear when the poll closes." : "Results appear when the presenter reveals them.");

  const conceal = (snapshot) => {
    section.dataset.hidden = "";
    section.classList.remove("revealing");
    for (const row of section.querySelectorAll(".bar-row[data-option-id]")) {
      row.querySelector("[data-figures]").replaceChildren();
      const fill = row.querySelector(".fill");
      delete fill.dataset.percent;
      fill.style.width = "0%";
    }
    markLeaders([], 0);
    drawCloud([], true);
    drawAverage(null);
    if (waiting) {
      waiting.textContent = waitingFor(snapshot);
      waiting.hidden = false;
    }
    if (setTotal(snapshot.total) && announce) {
      announce.textContent = snapshot.total === 0 ? "No votes yet." : `${snapshot.total} ${snapshot.total === 1 ? "vote" : "votes"}.`;
    }
  };

  const show = (snapshot) => {
    if (section.hasAttribute("data-hidden")) {
      // The reveal: the bars grow from nothing to their share (the fill's width transition).
      section.removeAttribute("data-hidden");
      section.classList.add("revealing");
      if (waiting) waiting.hidden = true;
    }
    for (const option of snapshot.options) {
      const row = section.querySelector(`[data-option-id="${CSS.escape(option.id)}"]`);
      if (!row) continue;
      const holder = figures(row);
      const count = holder.querySelector("[data-votes]");
      count.dataset.votes = String(option.votes);
      count.textContent = String(option.votes);
      const p = percent(option.votes, snapshot.total);
      holder.querySelector(".percent").textContent = `${p}%`;
      setWidth(row.querySelector(".fill"), p);
    }
    markLeaders(snapshot.options, snapshot.total);
    if (Array.isArray(snapshot.words)) drawCloud(snapshot.words, false);
    if (snapshot.type === "rating") drawAverage(snapshot.average);
    const changed = setTotal(snapshot.total);
    if (changed && announce && Array.isArray(snapshot.words)) {
      announce.textContent = snapshot.words.length === 0 ? "No words yet." : `${snapshot.total} votes. Most given: ${snapshot.words[0].text}.`;
    } else if (changed && announce) {
      const leader = [...snapshot.options].sort((a, b) => b.votes - a.votes)[0];
      announce.textContent = snapshot.total === 0 ? "No votes yet."
        : `${snapshot.total} votes. Leading: ${leader.label} with ${percent(leader.votes, snapshot.total)}%.`;
    }
  };

  // The countdown runs on the server's clock: the page says what time the server had when it drew
  // it, and the difference to this device's clock is kept (a phone or projector may be minutes off).
  const offset = Number(section.dataset.serverNow || Date.now()) - Date.now();
  let closesAt = section.dataset.closesAt ? Number(section.dataset.closesAt) : null;
  let closed = closedNotice ? !closedNotice.hidden : false;
  let ticker = null;
  const tick = () => {
    if (!countdown) return;
    const left = closesAt === null ? null : closesAt - (Date.now() + offset);
    if (left === null || closed || left <= 0) {
      countdown.hidden = true;
      countdown.textContent = "";
      clearInterval(ticker);
      ticker = null;
      return;
    }
    const seconds = Math.ceil(left / 1000);
    countdown.hidden = false;
    countdown.dataset.secondsLeft = String(seconds);
    countdown.textContent = `Voting closes in ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    if (!ticker) ticker = setInterval(tick, 250);
  };

  const render = (snapshot) => {
    if (!snapshot || snapshot.pollId !== pollId) return;
    if (snapshot.hidden || !Array.isArray(snapshot.options)) conceal(snapshot);
    else show(snapshot);
    closed = Boolean(snapshot.closed);
    if (closedNotice) closedNotice.hidden = !closed;
    closesAt = snapshot.closesAt ? Date.parse(snapshot.closesAt) : null;
    tick();
  };

  // Bars start at the widths the server computed.
  for (const fill of section.querySelectorAll(".fill[data-percent]")) setWidth(fill, Number(fill.dataset.percent));
  const initial = [...section.querySelectorAll(".bar-row[data-option-id]")].flatMap((row) => {
    const count = row.querySelector("[data-votes]");
    return count ? [{ id: row.dataset.optionId, votes: Number(count.dataset.votes) }] : [];
  });
  markLeaders(initial, Number(section.querySelector("[data-total]")?.dataset.total || 0));
  tick();

  // On an event's screen the event's one connection brings the results (SubscribeEvent): no
  // connection of its own, only the drawing, handed to event.js.
  if (section.hasAttribute("data-follow")) {
    section.votingRender = render;
    return;
  }
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
