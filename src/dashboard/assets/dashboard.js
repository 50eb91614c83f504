// Progressive enhancement of the server-rendered dashboard; everything works without this file.
// Filters apply as soon as one changes, and unset choices stay out of the URL, so the address
// bar always reads like the view (e.g. /dashboard?segment=mm&period=90d).
document.documentElement.classList.add('js');

{
  const form = document.querySelector('form.filters');
  if (form instanceof HTMLFormElement) {
    form.addEventListener('change', () => {
      const params = new URLSearchParams();
      for (const [name, value] of new FormData(form)) {
        if (typeof value === 'string' && value !== '' && !(name === 'period' && value === 'all'))
          params.set(name, value);
      }
      const search = params.toString();
      window.location.assign(`${form.getAttribute('action')}${search ? `?${search}` : ''}`);
    });
  }
}
