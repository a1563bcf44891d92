// An event's pages follow the presenter over the result role's hub. The audience's page
// (FollowEvent) swaps in the live poll's vote form, drawn by the poll role's own vote page, and
// remembers each ballot on this device; the presenter's screen (SubscribeEvent) swaps in the live
// poll's results, drawn by the result role's presenter view, and feeds them the hub's results.
// Without JavaScript the page offers a refresh link instead. Reconnects by itself, forever, and
// lands on whatever is live then.
(() => {
  "use strict";
  const root = document.querySelector("section.event[data-event-code]");
  if (!root || !window.signalR) return;
  const code = root.dataset.eventCode;
  const present = root.hasAttribute("data-present");
  const stage = root.querySelector("[data-stage]");
  const status = root.querySelector("[data-connection]");
  const refresh = root.querySelector("[data-refresh]");
  if (refresh) refresh.hidden = true;

  let shown = root.dataset.livePollId || null;
  let generation = 0;
  const latest = new Map(); // pollId → the last results message (presenter)

  const setStatus = (text, state) => {
    if (!status) return;
    status.hidden = state === "live" && !present;
    status.textContent = text;
    status.dataset.state = state;
  };

  const notice = (className, text, attribute) => {
    const p = document.createElement("p");
    p.className = `notice ${className}`;
    p.setAttribute("role", "status");
    p.setAttribute(attribute, "");
    p.textContent = text;
    return p;
  };

  // A script of the fetched page, run again for the section just put in: the vote page's and the
  // presenter view's scripts each take the one section not handled yet.
  const run = (doc, name) => {
    const original = [...doc.querySelectorAll("script[src]")].find((s) => s.getAttribute("src").includes(`/${name}`));
    if (!original) return;
    const script = document.createElement("script");
    script.src = original.getAttribute("src");
    document.body.append(script);
    return new Promise((resolve) => { script.onload = resolve; script.onerror = resolve; });
  };

  // --- the audience: each ballot remembered on this device, per poll ---------------------------
  const ballotKey = (pollId) => `voting:ballot:${pollId}`;
  let pending = null;
  const remember = (form) => {
    const status = stage.querySelector("[data-vote-status]");
    if (!form || !status || status.dataset.watched) return;
    status.dataset.watched = "";
    const pollId = form.closest("[data-poll-id]")?.dataset.pollId;
    form.addEventListener("submit", (event) => {
      pending = {
        option: event.submitter?.dataset.optionId || null,
        choices: [...form.querySelectorAll("input[data-choice-id]:checked")].map((b) => b.value),
        words: [...form.querySelectorAll("input[data-word-input]")].map((i) => i.value),
      };
    }, true);
    new MutationObserver(() => {
      if (status.dataset.state === "voted" && pending && pollId) {
        try {
          localStorage.setItem(ballotKey(pollId), JSON.stringify({ ...pending, text: status.textContent }));
        } catch { /* private mode: nothing remembered */ }
        pending = null;
      }
    }).observe(status, { attributes: true, attributeFilter: ["data-state"] });
  };
  const restore = (pollId) => {
    const form = stage.querySelector("form.options[data-api]");
    const status = stage.querySelector("[data-vote-status]");
    if (!form || !status) return;
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(ballotKey(pollId)) || "null"); } catch { saved = null; }
    if (saved) {
      for (const b of form.querySelectorAll("button[data-option-id]")) {
        if (saved.option) b.setAttribute("aria-pressed", String(b.dataset.optionId === saved.option));
      }
      for (const box of form.querySelectorAll("input[data-choice-id]")) box.checked = saved.choices.includes(box.value);
      form.querySelectorAll("input[data-word-input]").forEach((input, i) => { input.value = saved.words[i] || ""; });
      status.textContent = saved.text;
      status.dataset.state = "voted";
      if (saved.option) status.dataset.votedOptionId = saved.option;
      form.dispatchEvent(new Event("change"));
    }
    remember(form);
  };

  // What is typed or ticked in the form on the stage and not sent yet: kept when the same question
  // is drawn again (its timer started, say), so nobody loses a half-typed answer.
  const typed = () => {
    const form = stage.querySelector("form.options[data-api]");
    if (!form) return null;
    return {
      choices: [...form.querySelectorAll("input[data-choice-id]")].filter((b) => b.checked).map((b) => b.value),
      words: [...form.querySelectorAll("input[data-word-input]")].map((i) => i.value),
    };
  };
  const retype = (kept) => {
    const form = stage.querySelector("form.options[data-api]");
    if (!form || !kept) return;
    const boxes = [...form.querySelectorAll("input[data-choice-id]")];
    if (kept.choices.length) boxes.forEach((box) => { box.checked = kept.choices.includes(box.value); });
    form.querySelectorAll("input[data-word-input]").forEach((input, i) => { if (kept.words[i]) input.value = kept.words[i]; });
    form.dispatchEvent(new Event("change"));
  };

  const showVote = async (pollId, token, kept) => {
    const response = await fetch(`/polls/${encodeURIComponent(pollId)}`, { credentials: "same-origin" });
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    if (token !== generation) return;
    const section = doc.querySelector("section.vote");
    if (!section) throw new Error("no vote form");
    stage.replaceChildren(document.adoptNode(section));
    restore(pollId);
    retype(kept);
    await run(doc, "vote.js");
  };

  // Whether the live question's form on the stage is drawn as the poll now is: open or closed,
  // with the same timer. The organiser's close or timer reaches the phones as an event message.
  const drawnAs = (poll) => {
    const section = stage.querySelector("section.vote");
    if (!section || !poll) return true;
    const closed = !section.querySelector("form.options");
    const closesAt = section.dataset.closesAt ? Number(section.dataset.closesAt) : null;
    const wanted = poll.closesAt ? Date.parse(poll.closesAt) : null;
    const sameTimer = closesAt === null || wanted === null ? closesAt === wanted : Math.abs(closesAt - wanted) < 1000;
    return closed === Boolean(poll.closed) && (closed || sameTimer);
  };

  // --- the presenter: the result role's presenter view, fed by this page's connection -----------
  const showResults = async (pollId, token) => {
    const response = await fetch(`/results/${encodeURIComponent(pollId)}/present`, { credentials: "same-origin" });
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    if (token !== generation) return;
    const section = doc.querySelector("section.results");
    if (!section) throw new Error("no results");
    section.querySelector("aside.join")?.remove();
    section.setAttribute("data-follow", "");
    stage.replaceChildren(document.adoptNode(section));
    await run(doc, "results.js");
    const last = latest.get(pollId);
    if (last && section.votingRender) section.votingRender(last);
  };

  const show = async (pollId, kept) => {
    const token = ++generation;
    shown = pollId;
    root.dataset.livePollId = pollId || "";
    if (!pollId) {
      stage.replaceChildren(notice("waiting-next", "Waiting for the next question", "data-waiting-next"));
      return;
    }
    for (let attempt = 0; token === generation; attempt++) {
      try {
        await (present ? showResults(pollId, token) : showVote(pollId, token, kept));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 2000)));
      }
    }
  };

  const connection = new signalR.HubConnectionBuilder()
    .withUrl(root.dataset.hub || "/hubs/results")
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => Math.min(500 * 2 ** ctx.previousRetryCount, 3000) })
    .configureLogging(signalR.LogLevel.None)
    .build();

  let ended = false;
  const end = () => {
    ended = true;
    generation++;
    shown = null;
    if (refresh) refresh.hidden = true;
    if (status) status.hidden = true;
    stage.replaceChildren(notice("ended", "This event has ended. Thank you for taking part!", "data-ended"));
    connection.stop();
  };
  // The hub refuses a code it does not know: the event has ended (or never was); no point retrying.
  const gone = (error) => String(error && error.message).includes("no such event");
  connection.on("event", (message) => {
    if (!message || message.code !== code) return;
    if (message.closed) {
      end();
      return;
    }
    root.dispatchEvent(new CustomEvent("voting:event", { detail: message }));
    const pollId = message.livePollId || null;
    // The same question again (a reconnect): keep the page as it is, with what was typed; but a
    // question that closed, or whose timer changed, is drawn again, keeping what was typed.
    if (pollId === shown && (pollId === null || stage.querySelector(present ? "section.results" : "section.vote"))) {
      if (!present && !drawnAs(message.poll)) show(pollId, typed());
      return;
    }
    show(pollId);
  });
  connection.on("results", (snapshot) => {
    if (!snapshot) return;
    latest.clear();
    latest.set(snapshot.pollId, snapshot);
    const section = stage.querySelector("section.results[data-follow]");
    if (section && section.votingRender) section.votingRender(snapshot);
    root.dispatchEvent(new CustomEvent("voting:results", { detail: snapshot }));
  });

  const follow = () => connection.invoke(present ? "SubscribeEvent" : "FollowEvent", code);
  connection.onreconnecting(() => setStatus("Reconnecting…", "reconnecting"));
  connection.onreconnected(async () => {
    try {
      await follow();
      setStatus("Live", "live");
    } catch (error) {
      if (gone(error)) end();
      else connection.stop();
    }
  });
  connection.onclose(() => {
    if (ended) return;
    setStatus("Reconnecting…", "reconnecting");
    setTimeout(() => start(true), 1000);
  });

  async function start(again) {
    setStatus(again ? "Reconnecting…" : "Connecting…", again ? "reconnecting" : "connecting");
    for (let attempt = 0; ; attempt++) {
      try {
        await connection.start();
        await follow();
        setStatus("Live", "live");
        return;
      } catch (error) {
        if (connection.state !== signalR.HubConnectionState.Disconnected) {
          if (gone(error)) end();
          else connection.stop();
          return;
        }
        setStatus("Reconnecting…", "reconnecting");
        await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 3000)));
      }
    }
  }

  // The vote form the server drew with the page: its ballot remembered like the ones swapped in.
  if (!present && shown) restore(shown);
  if (present && shown) show(shown);
  start(false);
})();
