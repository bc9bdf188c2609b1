// The ballot's running total: "£X of £Y chosen" for knapsack ballots, points given for
// cumulative ones. Only an aid: the page works without it and the server checks every ballot.
(() => {
  const box = document.querySelector('[data-pb-total]');
  const form = box?.closest('form');
  if (!box || !form) return;
  const kind = box.getAttribute('data-pb-total');
  const limit = Number(box.getAttribute('data-limit'));
  const locale = box.getAttribute('data-lang') === 'cy' ? 'cy-GB' : 'en-GB';
  const template = box.getAttribute('data-template') || '';
  const over = box.getAttribute('data-over') || template;

  const money = (pence) => {
    const digits = pence % 100 === 0 ? 0 : 2;
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: 'GBP',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(pence / 100);
  };

  const total = () => {
    let sum = 0;
    for (const input of form.querySelectorAll(kind === 'money' ? 'input[data-cost]' : 'input[data-points]')) {
      if (kind === 'money') {
        if (input.checked) sum += Number(input.getAttribute('data-cost'));
      } else if (/^\s*\d+\s*$/.test(input.value)) sum += Number(input.value);
    }
    return sum;
  };

  let last = '';
  const update = () => {
    const sum = total();
    const show = kind === 'money' ? money : String;
    const text = (sum > limit ? over : template)
      .replace('{chosen}', show(sum))
      .replace('{limit}', show(limit));
    // Only a change is announced, so screen readers are not told the same total twice.
    if (text !== last) {
      last = text;
      box.textContent = text;
    }
  };

  form.addEventListener('change', update);
  form.addEventListener('input', update);
  box.hidden = false;
  update();
})();
