// Latchkey's only script: the "Copy" buttons, and the picker's select-all, filter and
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
