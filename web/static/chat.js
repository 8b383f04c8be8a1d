// The web chat's page script. Every text from the server is set with textContent, never as HTML:
// names and dates in the replies come from what people typed.
"use strict";

(function () {
  const main = document.getElementById("chat");
  const log = document.getElementById("log");  // the live region; the messages go in its list
  const transcript = document.getElementById("transcript");
  const composer = document.getElementById("composer");
  const input = document.getElementById("text");
  const send = document.getElementById("send");
  const error = document.getElementById("error");
  const signIn = document.getElementById("sign-in");
  const signedIn = document.getElementById("signed-in");
  const who = document.getElementById("who");
  const signOut = document.getElementById("sign-out");
  let csrf = document.querySelector('meta[name="csrf-token"]').content;
  let busy = false;

  function showError(text) {
    error.textContent = text || "";
    error.hidden = !text;
  }

  function setLanguage(lang, dir, texts) {
    if (lang) document.documentElement.lang = lang;
    if (dir) document.documentElement.dir = dir;
    if (!texts) return;
    document.querySelectorAll("[data-t]").forEach(function (el) {
      const text = texts[el.dataset.t];
      if (text) el.textContent = text;
    });
    if (texts.log) log.setAttribute("aria-label", texts.log);
    if (texts.title) document.title = texts.title;
    ["download", "chart", "offline", "you", "bot"].forEach(function (key) {
      if (texts[key]) main.dataset[key] = texts[key];
    });
  }

  function item(kind) {
    const li = document.createElement("li");
    li.className = "msg " + kind;
    const who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = (kind === "me" ? main.dataset.you : main.dataset.bot) + ": ";
    li.appendChild(who);
    transcript.appendChild(li);
    return li;
  }

  function addMine(text) {
    const p = document.createElement("p");
    p.textContent = text;
    const li = item("me");
    li.appendChild(p);
    return li;
  }

  // The buttons of older messages go dead once one is pressed or a message is sent; if the turn fails,
  // the ones that were live come back so the person can try again.
  function disableOldChoices() {
    const live = Array.from(log.querySelectorAll("button.choice:not(:disabled)"));
    live.forEach(function (b) { b.disabled = true; });
    return live;
  }

  function addBot(message, lang) {
    const li = item("bot");
    if (lang) li.lang = lang;
    if (message.text) {
      const p = document.createElement("p");
      p.textContent = message.text;
      li.appendChild(p);
    }
    if (message.image) {
      const img = document.createElement("img");
      img.className = "chart";
      img.src = message.image.url;
      img.alt = message.image.alt || main.dataset.chart;
      li.appendChild(img);
    }
    if (message.attachment) {
      const a = document.createElement("a");
      a.className = "attachment";
      a.href = message.attachment.url;
      a.setAttribute("download", message.attachment.name || "");
      a.textContent = main.dataset.download;
      li.appendChild(a);
    }
    if (message.buttons && message.buttons.length) {
      const group = document.createElement("div");
      group.className = "choices";
      message.buttons.forEach(function (b) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "choice";
        button.textContent = b.title;
        button.addEventListener("click", function () { say(b.payload, b.title); });
        group.appendChild(button);
      });
      li.appendChild(group);
    }
    return li;
  }

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    return { ok: response.ok, data: data };
  }

  // True when the server answered; false leaves the caller to give the text back to the person.
  async function say(text, shown) {
    if (busy || !text.trim()) return false;
    busy = true;
    send.disabled = true;
    log.setAttribute("aria-busy", "true");
    showError("");
    const wereLive = disableOldChoices();
    const mine = addMine(shown || text);
    let answered = false;
    try {
      const { ok, data } = await post("/api/message", { text: text });
      if (!ok) {
        showError(data.error || main.dataset.offline);
        return;
      }
      answered = true;
      setLanguage(data.lang, data.dir, data.texts);
      let firstChoice = null;
      data.messages.forEach(function (m) {
        const li = addBot(m, data.lang);
        firstChoice = firstChoice || li.querySelector("button.choice");
      });
      // Keyboard users land on the first new choice; otherwise they stay where they write.
      if (firstChoice && document.activeElement !== input) firstChoice.focus();
      else if (!firstChoice && document.activeElement !== input) input.focus();
    } catch (e) {
      showError(main.dataset.offline);
    } finally {
      if (!answered) {  // a refused message was not sent: it leaves the transcript (and goes back in the box)
        mine.remove();
        wereLive.forEach(function (b) { b.disabled = false; });
      }
      busy = false;
      send.disabled = false;
      log.setAttribute("aria-busy", "false");
    }
    return answered;
  }

  // In the widget's frame, Escape closes the panel (web/static/widget.js listens for this word only).
  if (window.parent !== window) {
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") window.parent.postMessage("naervaer:close", "*");
    });
  }

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    if (busy) return;
    input.value = "";
    say(text).then(function (answered) {
      if (!answered && !input.value) input.value = text;  // nothing typed is lost when a turn fails
    });
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });

  signIn.addEventListener("submit", async function (event) {
    event.preventDefault();
    const field = document.getElementById("code");
    showError("");
    try {
      const { ok, data } = await post("/api/sign-in", { code: field.value.trim() });
      if (!ok) {
        showError(data.error || main.dataset.offline);
        field.focus();
        return;
      }
      csrf = data.csrf;
      field.value = "";
      setLanguage(data.lang, data.dir, data.texts);
      who.textContent = data.name;
      signIn.hidden = true;
      signedIn.hidden = false;
      addBot({ text: data.message }, data.lang);
      input.focus();
    } catch (e) {
      showError(main.dataset.offline);
    }
  });

  signOut.addEventListener("click", async function () {
    showError("");
    try {
      const { ok, data } = await post("/api/sign-out", {});
      if (!ok) {
        showError(data.error || main.dataset.offline);
        return;
      }
      csrf = data.csrf;
      transcript.replaceChildren();  // what was shown about a pupil goes with the session
      who.textContent = "";
      signedIn.hidden = true;
      signIn.hidden = false;
      addBot({ text: data.message });
      document.getElementById("code").focus();
    } catch (e) {
      showError(main.dataset.offline);
    }
  });
})();
