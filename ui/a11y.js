// Run by launch(head=...). Two gaps axe-core finds in Gradio's own markup (bench/a11y.py), mended in the page:
// - a picture that is also a button (an Image's fullscreen / select wrapper, an example photo) has no name: it gets
//   the picture's alt text, else its block's label, else (an example) the photo's file name;
// - a dropdown's input names the id of its option list (aria-controls) while the list is not in the page (it is
//   drawn only when open): the attribute is kept aside and put back while the list is there.
// And one gap of ours: a result picture is drawn with an empty alt (decorative to a screen reader); a block marked
// "described-by-ID" (ui/components.described_by) gets "<its label>: <the text of #ID>", what it shows now.
(() => {
  const fileName = (src) => decodeURIComponent(src.split("/").pop().split("?")[0]).replace(/\.[a-z0-9]+$/i, "");
  const describe = () => {
    for (const block of document.querySelectorAll("[class*='described-by-']")) {
      const id = [...block.classList].find((c) => c.startsWith("described-by-")).slice("described-by-".length);
      const label = block.querySelector("[data-testid=block-label]")?.textContent.trim() || "";
      const now = (document.getElementById(id)?.textContent || "").replace(/\s+/g, " ").trim().slice(0, 300);
      const alt = now ? (label ? `${label}: ${now}` : now) : label;
      for (const img of block.querySelectorAll("img")) {
        if (img.alt !== alt) img.alt = alt;
        const button = img.closest("button");         // a named button hides its content: it says the same
        if (button && button.getAttribute("aria-label") !== alt) button.setAttribute("aria-label", alt);
      }
    }
  };
  const mend = () => {
    for (const b of document.querySelectorAll("button:not([aria-label])")) {
      const img = b.querySelector("img");
      if (!img || b.textContent.trim()) continue;
      const label = b.closest(".block")?.querySelector("[data-testid=block-label]")?.textContent.trim();
      const name = img.alt || (b.classList.contains("gallery-item") ? fileName(img.src) : label);
      if (name) b.setAttribute("aria-label", name);
    }
    for (const input of document.querySelectorAll("input[aria-controls], input[data-aria-controls]")) {
      const id = input.getAttribute("aria-controls") || input.dataset.ariaControls;
      input.dataset.ariaControls = id;
      if (document.getElementById(id)) input.setAttribute("aria-controls", id);
      else input.removeAttribute("aria-controls");
    }
    describe();
  };
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; mend(); });
  }).observe(document.documentElement, {childList: true, subtree: true});
})();

// prefers-reduced-motion (ui/layout.css hides the picture): a block whose output a run is streaming is marked
// data-streaming from its status tracker's first "generating" until the tracker hides (the run ended, stopped or
// failed). Gradio drops "generating" for a moment between two frames, so the class alone would flash each frame.
(() => {
  const track = (wrap) => {
    const block = wrap.closest(".block");
    if (!block) return;
    if (wrap.classList.contains("generating")) block.dataset.streaming = "";
    else if (wrap.classList.contains("hide")) delete block.dataset.streaming;
  };
  new MutationObserver((changes) => {
    for (const c of changes) if (c.target.classList && c.target.classList.contains("wrap")) track(c.target);
  }).observe(document.documentElement, {attributes: true, attributeFilter: ["class"], subtree: true});
})();
