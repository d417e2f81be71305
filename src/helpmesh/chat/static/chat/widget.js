/* helpmesh chat widget: one script, no framework (docs/chat.md).
 *
 *   <script src="https://HOST/widget.js" data-title="Chat with us" data-color="#0b6e4f"
 *           data-prechat="on" async></script>
 *
 * It adds a launcher button and a panel to the host page, styled by a stylesheet from its own
 * origin (no inline styles, no <style> blocks: the host page's CSP stays strict). It talks to
 * the visitor API (X-Visitor-Token) and listens to the session's server-sent events; the
 * session survives a page load in sessionStorage. Never sends cookies.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__helpmeshChat) { return; }
  window.__helpmeshChat = true;
  var origin = new URL(script.src, location.href).origin;
  var api = origin + "/api/v1/chat";
  var title = script.getAttribute("data-title") || "Chat with us";
  var color = script.getAttribute("data-color") || "";
  var prechat = script.getAttribute("data-prechat") !== "off";
  var storeKey = "helpmesh-chat:" + origin;
  var session = load();
  var seen = {};
  var events = null;
  var typingTimer = null;
  var lastTypingSent = 0;

  function load() {
    try { return JSON.parse(sessionStorage.getItem(storeKey) || "null"); } catch (e) { return null; }
  }

  function save() {
    try { sessionStorage.setItem(storeKey, JSON.stringify(session)); } catch (e) { /* private mode */ }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function stylesheet() {
    var link = el("link");
    link.rel = "stylesheet";
    link.href = origin + "/static/chat/widget.css";
    document.head.appendChild(link);
    // The brand colour as a constructed stylesheet (CSSOM): no style attribute, no <style>.
    if (/^#[0-9a-fA-F]{3,8}$/.test(color) && "adoptedStyleSheets" in document) {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(".hm-chat { --hm-chat-color: " + color + "; }");
        document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
      } catch (e) { /* the stylesheet's default colour stays */ }
    }
  }

  function call(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (session) { headers["X-Visitor-Token"] = session.token; }
    return fetch(api + path, {
      method: method,
      headers: headers,
      body: body ? JSON.stringify(body) : undefined,
      credentials: "omit",
      mode: "cors"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.detail || ("HTTP " + response.status)); }
        return data;
      });
    });
  }

  // ---- the page parts -------------------------------------------------------------------
  var root = el("div", "hm-chat");
  var launcher = el("button", "hm-chat-launcher", title);
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  var panel = el("section", "hm-chat-panel");
  panel.hidden = true;
  panel.setAttribute("aria-label", title);
  var header = el("header", "hm-chat-header");
  header.appendChild(el("span", "hm-chat-title", title));
  var close = el("button", "hm-chat-close", "×");
  close.type = "button";
  close.setAttribute("aria-label", "Close chat");
  header.appendChild(close);

  var form = el("form", "hm-chat-prechat");
  var nameInput = field(form, "Name (optional)", "text", "name");
  var emailInput = field(form, "Email (optional)", "email", "email");
  var startButton = el("button", "hm-chat-primary", "Start chat");
  startButton.type = "submit";
  form.appendChild(startButton);

  var log = el("ol", "hm-chat-messages");
  log.setAttribute("aria-live", "polite");
  var typing = el("p", "hm-chat-typing", "Someone is typing…");
  typing.hidden = true;
  var notice = el("p", "hm-chat-notice");
  notice.hidden = true;

  var offline = el("form", "hm-chat-offline");
  offline.hidden = true;
  offline.appendChild(el("p", "", "No one is available right now. Leave your email and we'll answer by email."));
  var offlineEmail = field(offline, "Your email", "email", "email");
  offlineEmail.required = true;
  var offlineBody = field(offline, "Your question (if not asked yet)", "text", "body");
  var offlineSend = el("button", "hm-chat-primary", "Send");
  offlineSend.type = "submit";
  offline.appendChild(offlineSend);

  var composer = el("form", "hm-chat-composer");
  var input = el("input", "hm-chat-input");
  input.type = "text";
  input.name = "body";
  input.placeholder = "Type your question…";
  input.setAttribute("aria-label", "Message");
  input.maxLength = 5000;
  var send = el("button", "hm-chat-primary", "Send");
  send.type = "submit";
  composer.appendChild(input);
  composer.appendChild(send);
  var person = el("button", "hm-chat-person", "Talk to a person");
  person.type = "button";

  [header, form, log, typing, notice, offline, composer, person].forEach(function (part) {
    panel.appendChild(part);
  });
  root.appendChild(panel);
  root.appendChild(launcher);

  function field(parent, label, type, name) {
    var wrap = el("label", "hm-chat-field");
    wrap.appendChild(el("span", "", label));
    var box = el("input");
    box.type = type;
    box.name = name;
    wrap.appendChild(box);
    parent.appendChild(wrap);
    return box;
  }

  function showConversation() {
    form.hidden = true;
    composer.hidden = false;
    person.hidden = false;
    input.focus();
  }

  function say(text) {
    notice.textContent = text;
    notice.hidden = false;
  }

  function absolute(url) {
    return /^https?:\/\//.test(url) ? url : origin + url;
  }

  function render(entry) {
    if (seen[entry.id]) { return; }
    seen[entry.id] = true;
    var item = el("li", "hm-chat-message hm-chat-" + entry.author);
    item.setAttribute("data-id", entry.id);
    var who = entry.author === "visitor" ? "You" : (entry.name || (entry.author === "bot" ? "Answer bot" : "Support"));
    item.appendChild(el("span", "hm-chat-author", who));
    var body = entry.body;
    if (entry.author === "bot" && entry.sources && entry.sources.length) {
      body = body.split("\n\nSource:")[0];  // the sources follow as links
    }
    item.appendChild(el("p", "hm-chat-body", body));
    (entry.sources || []).forEach(function (source) {
      var link = el("a", "hm-chat-source", source.title || source.url);
      link.href = absolute(source.url);
      link.target = "_blank";
      link.rel = "noopener";
      item.appendChild(link);
    });
    // Keep the order of the ticket (ids grow): a live event may overtake a send's answer.
    var after = null;
    Array.prototype.forEach.call(log.children, function (child) {
      if (after === null && Number(child.getAttribute("data-id")) > entry.id) { after = child; }
    });
    log.insertBefore(item, after);
    log.scrollTop = log.scrollHeight;
    if (entry.author !== "visitor") { typing.hidden = true; }
  }

  function listen() {
    if (!session || events || !window.EventSource) { return; }
    events = new EventSource(api + "/sessions/" + session.id + "/events?token=" + encodeURIComponent(session.token));
    events.addEventListener("message", function (event) { render(JSON.parse(event.data)); });
    events.addEventListener("typing", function (event) {
      if (JSON.parse(event.data).who !== "agent") { return; }
      typing.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typing.hidden = true; }, 4000);
    });
  }

  function start(name, email) {
    var payload = {};
    if (name) { payload.name = name; }
    if (email) { payload.email = email; }
    return call("POST", "/sessions", payload).then(function (data) {
      session = { id: data.id, token: data.visitor_token };
      save();
      listen();
      showConversation();
    });
  }

  function resume() {
    return call("GET", "/sessions/" + session.id + "/messages").then(function (data) {
      data.messages.forEach(render);
      listen();
      showConversation();
    }).catch(function () { session = null; save(); });
  }

  function offerEmail() {
    offline.hidden = false;
    composer.hidden = true;
    person.hidden = true;
    offlineEmail.focus();
  }

  // ---- what the visitor does ------------------------------------------------------------
  launcher.addEventListener("click", function () {
    panel.hidden = !panel.hidden;
    launcher.setAttribute("aria-expanded", String(!panel.hidden));
    if (panel.hidden) { return; }
    if (session) { resume(); return; }
    if (prechat) { form.hidden = false; composer.hidden = true; person.hidden = true; nameInput.focus(); }
    else { start("", "").catch(function (e) { say(e.message); }); }
  });

  close.addEventListener("click", function () {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    start(nameInput.value.trim(), emailInput.value.trim()).catch(function (e) { say(e.message); });
  });

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || !session) { return; }
    input.value = "";
    var clientId = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    call("POST", "/sessions/" + session.id + "/messages", { body: text, client_id: clientId })
      .then(function (entry) {
        render(entry);
        if (entry.state === "staff") { say("A person from our team will answer here."); }
        // The bot answers in the same request: fetch it now in case the stream is slow.
        return call("GET", "/sessions/" + session.id + "/messages?after=" + entry.id);
      })
      .then(function (data) { data.messages.forEach(render); })
      .catch(function (e) { input.value = text; say(e.message); });
  });

  input.addEventListener("input", function () {
    var now = Date.now();
    if (!session || now - lastTypingSent < 3000) { return; }
    lastTypingSent = now;
    call("POST", "/sessions/" + session.id + "/typing").catch(function () { /* best effort */ });
  });

  person.addEventListener("click", function () {
    if (!session) { return; }
    call("POST", "/sessions/" + session.id + "/handoff").then(function (data) {
      if (!data.agents_online) { offerEmail(); return; }
      say(data.queued
        ? "A person from our team will join; they can see everything so far."
        : "Tell us what you need and a person from our team will answer.");
    }).catch(function (e) { say(e.message); });
  });

  offline.addEventListener("submit", function (event) {
    event.preventDefault();
    var payload = { email: offlineEmail.value.trim(), body: offlineBody.value.trim() };
    call("POST", "/sessions/" + session.id + "/email", payload).then(function () {
      offline.hidden = true;
      say("Thanks! We'll answer at " + payload.email + ".");
    }).catch(function (e) { say(e.message); });
  });

  function mount() {
    stylesheet();
    document.body.appendChild(root);
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
}());
