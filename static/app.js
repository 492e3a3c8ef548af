// Latchkey's only script: the "Copy" buttons. Pages work without it (the link is in a
// read-only field that can be selected by hand).
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
