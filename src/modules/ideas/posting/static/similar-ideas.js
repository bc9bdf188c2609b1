// Similar ideas as a person types a title, so they can support one instead of posting it
// again. Only an aid: without it the server shows the same list once the form is sent.
(() => {
  const box = document.querySelector('[data-similar-ideas]');
  const form = box?.closest('form');
  const input = form?.querySelector('#title');
  const confirmed = form?.querySelector('input[name="confirmedNotDuplicate"]');
  if (!box || !form || !input || !window.fetch) return;
  const url = box.getAttribute('data-url');
  const heading = box.getAttribute('data-heading') || '';
  const intro = box.getAttribute('data-intro') || '';
  const supports = box.getAttribute('data-supports') || '';
  let timer = 0;
  let asked = '';

  const show = (ideas) => {
    box.textContent = '';
    if (confirmed) confirmed.value = ideas.length ? 'yes' : '';
    if (!ideas.length) return;
    const panel = document.createElement('div');
    panel.className = 'govuk-inset-text';
    const h = document.createElement('h2');
    h.className = 'govuk-heading-s';
    h.textContent = heading;
    const p = document.createElement('p');
    p.className = 'govuk-body';
    p.textContent = intro;
    const list = document.createElement('ul');
    list.className = 'govuk-list';
    for (const idea of ideas) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.className = 'govuk-link';
      a.href = idea.path;
      a.textContent = idea.title;
      li.append(a, ` (${idea.stageText}, ${supports.replace('{count}', String(idea.supportCount))})`);
      list.append(li);
    }
    panel.append(h, p, list);
    box.append(panel);
  };

  const ask = async () => {
    const title = input.value.trim();
    if (title === asked) return;
    asked = title;
    if (title.length < 4) return show([]);
    try {
      const res = await fetch(`${url}?title=${encodeURIComponent(title)}`, {
        headers: { accept: 'application/json' },
      });
      if (!res.ok || title !== asked) return;
      const body = await res.json();
      if (title === asked) show(Array.isArray(body.ideas) ? body.ideas : []);
    } catch {
      // Offline or refused: the server checks again when the form is sent.
    }
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(ask, 400);
  });
})();
