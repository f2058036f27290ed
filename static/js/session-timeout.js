/*
 * Idle sign-out warning and kept drafts (NIST 800-53 AC-11/AC-12; security/).
 *
 * The server signs a person out after a period without requests. This script
 * warns them before it happens, with "Stay signed in"; typing in a form counts
 * as activity; and whatever was typed in a form is kept in this tab
 * (sessionStorage) so that, signed out and back in, the form is filled again.
 * Passwords, files and hidden fields are never kept. Signing out on purpose
 * clears the drafts.
 */
(function () {
  "use strict";

  var source = document.getElementById("session-clock");
  if (!source) return;
  var clock = JSON.parse(source.textContent);
  var PREFIX = "draft:" + clock.user + ":";
  var PENDING = "draft-pending:" + clock.user;
  var KEEP_FOR_MS = 24 * 60 * 60 * 1000;
  var SKIPPED_TYPES = ["password", "hidden", "file", "submit", "button", "reset", "image"];

  // ---- drafts -------------------------------------------------------------

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function draftForms() {
    return Array.prototype.filter.call(document.querySelectorAll("form"), function (form) {
      return (form.method || "").toLowerCase() === "post" && !form.hasAttribute("data-no-draft") &&
        form.id !== "changelist-form" &&
        Array.prototype.some.call(form.elements, keepable);
    });
  }

  function keepable(el) {
    if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") return false;
    return SKIPPED_TYPES.indexOf((el.type || "").toLowerCase()) === -1;
  }

  function keyFor(form, index) {
    return PREFIX + location.pathname + "#" + (form.id || form.getAttribute("action") || index);
  }

  function read(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!keepable(el)) return;
      var list = fields[el.name] || (fields[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) list.push(el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { list.push(o.value); });
      } else {
        list.push(el.value);
      }
    });
    return fields;
  }

  function write(form, fields) {
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!keepable(el) || !(el.name in fields)) return;
      var values = fields[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else {
        var i = seen[el.name] || 0;
        if (i < values.length) el.value = values[i];
        seen[el.name] = i + 1;
      }
    });
  }

  function save(form, key) {
    var store = storage();
    if (store) store.setItem(key, JSON.stringify({ at: Date.now(), fields: read(form) }));
  }

  function restore(form, key) {
    var store = storage();
    var raw = store && store.getItem(key);
    if (!raw) return;
    var draft;
    try { draft = JSON.parse(raw); } catch (e) { store.removeItem(key); return; }
    // A form the server sent back with errors already holds what was typed.
    if (Date.now() - draft.at > KEEP_FOR_MS || form.querySelector(".is-invalid, .errorlist")) {
      store.removeItem(key);
      return;
    }
    write(form, draft.fields);
    var note = document.createElement("div");
    note.className = "alert alert-info d-flex flex-wrap align-items-center gap-2 draft-restored";
    note.setAttribute("role", "status");
    note.textContent = "We kept what you typed here before you were signed out. Check it, then save. ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-sm btn-outline-secondary";
    discard.textContent = "Discard it";
    discard.addEventListener("click", function () {
      store.removeItem(key);
      form.reset();
      note.remove();
    });
    note.appendChild(discard);
    form.parentNode.insertBefore(note, form);
  }

  function clearAllDrafts() {
    var store = storage();
    if (!store) return;
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key.indexOf(PREFIX) === 0 || key === PENDING) store.removeItem(key);
    }
  }

  var store = storage();
  // A form submitted while signed in reached the server: its draft is done.
  var pending = store && store.getItem(PENDING);
  if (pending) {
    store.removeItem(pending);
    store.removeItem(PENDING);
  }

  var forms = draftForms();
  forms.forEach(function (form, index) {
    var key = keyFor(form, index);
    restore(form, key);
    var timer = null;
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { save(form, key); }, 300);
    });
    form.addEventListener("change", function () { save(form, key); });
    form.addEventListener("submit", function () {
      save(form, key);
      if (store) store.setItem(PENDING, key);
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("form[action$='/accounts/logout/']"), function (form) {
    form.addEventListener("submit", clearAllDrafts);
  });

  // ---- the clock ----------------------------------------------------------

  var timer = null;
  var countdown = null;
  var dialog = null;
  var lastKeepalive = Date.now();

  function request(url, method) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": clock.csrf },
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    });
  }

  function schedule(secondsLeft) {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, secondsLeft - clock.warning) * 1000);
  }

  function check() {
    request(clock.status_url, "GET").then(function (res) {
      if (!res.ok || !res.body.signed_in) return signedOut();
      if (res.body.seconds_left > clock.warning + 5) return schedule(res.body.seconds_left);
      warn(res.body.seconds_left);
    }).catch(function () { schedule(clock.warning); });
  }

  function stay() {
    request(clock.keepalive_url, "POST").then(function (res) {
      closeDialog();
      lastKeepalive = Date.now();
      if (!res.ok || !res.body.signed_in) return signedOut();
      schedule(res.body.seconds_left);
    }).catch(function () { closeDialog(); schedule(clock.warning); });
  }

  function signedOut() {
    forms.forEach(function (form, index) { save(form, keyFor(form, index)); });
    // The server signs the person out on this request and brings them back here after signing in.
    location.reload();
  }

  function format(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function warn(secondsLeft) {
    if (!dialog) dialog = buildDialog();
    var left = secondsLeft;
    var time = dialog.querySelector("[data-countdown]");
    time.textContent = format(left);
    if (typeof dialog.showModal === "function") dialog.showModal(); else dialog.setAttribute("open", "");
    dialog.querySelector("[data-stay]").focus();
    clearInterval(countdown);
    countdown = setInterval(function () {
      left -= 1;
      time.textContent = format(Math.max(0, left));
      if (left <= 0) {
        clearInterval(countdown);
        signedOut();
      }
    }, 1000);
  }

  function closeDialog() {
    clearInterval(countdown);
    if (dialog && dialog.open) dialog.close();
  }

  function buildDialog() {
    var d = document.createElement("dialog");
    d.id = "session-timeout-warning";
    d.className = "session-timeout p-4 border rounded shadow";
    d.setAttribute("role", "alertdialog");
    d.setAttribute("aria-labelledby", "session-timeout-title");
    d.setAttribute("aria-describedby", "session-timeout-text");
    d.innerHTML =
      '<h2 class="h5" id="session-timeout-title">Are you still there?</h2>' +
      '<p id="session-timeout-text">For your security you will be signed out in <strong data-countdown></strong> ' +
      "because nothing has happened for a while. Anything you have typed is kept.</p>" +
      '<div class="d-flex gap-2">' +
      '<button type="button" class="btn btn-primary" data-stay>Stay signed in</button>' +
      '<button type="button" class="btn btn-outline-secondary" data-leave>Sign out now</button></div>';
    d.querySelector("[data-stay]").addEventListener("click", stay);
    d.querySelector("[data-leave]").addEventListener("click", function () {
      var logout = document.querySelector("form[action$='/accounts/logout/']");
      closeDialog();
      if (logout) logout.requestSubmit(); else signedOut();
    });
    // Escape means "I am here", as the Stay button does.
    d.addEventListener("cancel", function (event) { event.preventDefault(); stay(); });
    document.body.appendChild(d);
    return d;
  }

  // Typing in a long form is activity, though no page is requested.
  document.addEventListener("input", function () {
    if (Date.now() - lastKeepalive > 60 * 1000 && !(dialog && dialog.open)) {
      lastKeepalive = Date.now();
      request(clock.keepalive_url, "POST").then(function (res) {
        if (res.ok && res.body.signed_in) schedule(res.body.seconds_left);
      }).catch(function () {});
    }
  });

  schedule(clock.timeout);
})();
