// Small page behaviours as data attributes: the Content-Security-Policy (core.security_headers)
// refuses inline script, onclick= and hx-on, so templates ask for behaviour here instead.

// <form data-reset-on-success hx-post=...>: clear the form after htmx posted it successfully.
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (event.detail.successful && form instanceof HTMLFormElement && form.hasAttribute("data-reset-on-success")) {
    form.reset();
  }
});
