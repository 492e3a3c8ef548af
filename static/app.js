// Latchkey's only script: the "Copy" buttons, passkeys, and the picker's select-all, filter and
// running count. Pages work without it (the link can be selected by hand; the picker's
// sections open and close natively).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy-target]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy-target"));
  var status = document.querySelector("[data-copy-status]");
  if (!field) return;
  field.select();
  var done = function () { if (status) status.textContent = "Copied to the clipboard."; };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(field.value).then(done, function () {
      if (status) status.textContent = "Select the link and copy it by hand.";
    });
  } else {
    try { document.execCommand("copy"); done(); } catch (e) { /* selection stays for a manual copy */ }
  }
});

// "Select all in <portfolio>": ticks every shareable asset of one group.
document.addEventListener("change", function (event) {
  var all = event.target.closest("[data-select-all]");
  if (!all) return;
  var group = all.getAttribute("data-select-all");
  document.querySelectorAll('[data-group-member="' + group + '"]').forEach(function (box) {
    var row = box.closest("li");
    if (!row || !row.hidden) box.checked = all.checked;
  });
});

// The filter box: hides assets whose name does not contain the text typed, and opens the
// collapsed sections that hold a match.
document.addEventListener("input", function (event) {
  if (!event.target.matches("[data-filter]")) return;
  var needle = event.target.value.trim().toLowerCase();
  document.querySelectorAll("li[data-name]").forEach(function (row) {
    row.hidden = needle !== "" && row.getAttribute("data-name").toLowerCase().indexOf(needle) === -1;
  });
  document.querySelectorAll("[data-kind-group]").forEach(function (section) {
    var shown = section.querySelectorAll("li[data-name]:not([hidden])").length;
    section.hidden = shown === 0;
    if (needle !== "" && shown > 0) section.open = true;
  });
  // A portfolio with no match disappears too, so the matches are all that is left.
  document.querySelectorAll("[data-group]").forEach(function (group) {
    group.hidden = group.querySelectorAll("li[data-name]:not([hidden])").length === 0;
  });
  // Nothing left: say so, rather than show an empty page.
  var none = document.querySelector("[data-filter-none]");
  if (none) none.hidden = document.querySelectorAll("li[data-name]:not([hidden])").length > 0;
});

// The running count beside the share button, which stays in reach at the bottom. Its
// words come from the page, in the reader's language: one form for 1 (the only count the
// six languages treat as singular once 0 has its own sentence), another with "#" for n.
function updateSelectedCount() {
  var counter = document.querySelector("[data-selected-count]");
  if (!counter) return;
  var n = document.querySelectorAll('input[name="asset"]:checked').length;
  var words = n === 0 ? counter.dataset.none : (n === 1 ? counter.dataset.one : counter.dataset.other.replace("#", String(n)));
  counter.textContent = words;
}
document.addEventListener("change", function (event) {
  if (event.target.matches('input[name="asset"], [data-select-all]')) updateSelectedCount();
});
document.addEventListener("DOMContentLoaded", updateSelectedCount);

// Passkeys: a form with `data-options` and a `data-passkey` button asks its URL for the
// WebAuthn options, lets the browser talk to the authenticator, and sends the answer in the
// form's `credential` field. The server keeps the challenge; this only carries it.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-passkey]");
  if (!button) return;
  event.preventDefault();
  var form = button.form;
  var status = form.querySelector("[data-passkey-status]");
  var say = function (text) { if (status) status.textContent = text; };
  if (!form.reportValidity()) return;
  var pkc = window.PublicKeyCredential;
  if (!pkc || !pkc.parseCreationOptionsFromJSON || !pkc.parseRequestOptionsFromJSON) {
    say("This browser cannot use passkeys. Use a recent Chrome, Edge, Firefox or Safari, or type a code.");
    return;
  }
  var body = new URLSearchParams();
  body.set("csrf", form.elements.csrf.value);
  button.disabled = true;
  say("Waiting for your passkey…");
  fetch(form.getAttribute("data-options"), { method: "POST", body: body, credentials: "same-origin" })
    .then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) throw new Error(json.error || "Passkeys are not available right now.");
        return json;
      });
    })
    .then(function (options) {
      return button.getAttribute("data-passkey") === "register"
        ? navigator.credentials.create({ publicKey: pkc.parseCreationOptionsFromJSON(options.publicKey) })
        : navigator.credentials.get({ publicKey: pkc.parseRequestOptionsFromJSON(options.publicKey) });
    })
    .then(function (credential) {
      form.elements.credential.value = JSON.stringify(credential.toJSON());
      form.submit();
    })
    .catch(function (error) {
      button.disabled = false;
      // The browser's own refusals (cancelled, timed out) are DOMExceptions with its words.
      var name = error && error.name;
      say(name === "InvalidStateError"
        ? "This device already holds a passkey for you here."
        : name === "NotAllowedError"
          ? "The passkey was not used (cancelled or timed out). Try again."
          : (error && error.message) || "The passkey did not work. Try again.");
    });
});
