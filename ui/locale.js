// Run by launch(head=...). Gradio picks the page's language from navigator.language among the locales it ships
// strings for (zh-CN, zh-TW), else from the language part ("zh" is not one), else English; the server reads
// Accept-Language, where any "zh..." is Chinese. So a browser reporting "zh", "zh-Hans" or "zh-HK" would get an
// English page with Chinese charts: switch it to zh-CN with Gradio's changeLocale (what its settings panel calls).
// Tab labels keep the language they mounted in until their tab is shown (and the overflow menu copies them), so
// they are relabelled here, now and whenever buttons are added. If Gradio's internals change, nothing happens
// (its Gradio hooks are filled in from ui/gradio_compat.py, where a test checks each against the installed Gradio).
(() => {
  const lang = navigator.language || "";
  if (!/^zh/i.test(lang) || ["zh-CN", "zh-TW"].includes(lang)) return;
  const labels = __TAB_LABELS__;      // English tab label -> Chinese
  const relabel = () => {
    for (const button of document.querySelectorAll("button"))
      for (const node of button.childNodes) {
        const zh = node.nodeType === Node.TEXT_NODE && labels[node.nodeValue.trim()];
        if (zh) node.nodeValue = zh;
      }
  };
  const core = performance.getEntriesByType("resource").map((e) => e.name)
    .find((name) => new RegExp(__CORE_BUNDLE__).test(name));
  if (!core) return;
  import(core).then((m) => {
    m[__CHANGE_LOCALE__]("zh-CN");
    relabel();
    new MutationObserver(relabel).observe(document.body, {childList: true, subtree: true});
  }).catch(() => {});
})();
// Pop-ups: Gradio titles one with its type ("Error"), written in its code rather than looked up in its strings, so a
// Chinese page (the server answers in Chinese when the browser's language starts with "zh") gets Chinese titles here.
(() => {
  if (!/^zh/i.test(navigator.language || "")) return;
  const titles = __TOAST_TITLES__;      // English pop-up title -> Chinese
  const retitle = () => {
    for (const title of document.getElementsByClassName(__TOAST_TITLE__))
      for (const node of title.childNodes) {
        const zh = node.nodeType === Node.TEXT_NODE && titles[node.nodeValue.trim()];
        if (zh) node.nodeValue = `${zh} `;
      }
  };
  new MutationObserver(retitle).observe(document.documentElement, {childList: true, subtree: true});
})();
