// A sign-in link that brings the reader back to this address once signed in. Added by the
// browser, so that the page itself names no address: a 404 is the same page for a missing
// entry and for one the reader may not see yet.
document.querySelectorAll("a[data-return-here]").forEach((link) => {
  const url = new URL(link.href, window.location.href);
  url.searchParams.set("next", window.location.pathname);
  link.href = url.toString();
});
