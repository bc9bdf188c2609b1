/*
 * Kith search map: where map tiles are configured, the server-drawn ward map becomes a
 * Leaflet map with the same numbered results, and choosing a point on it searches nearest
 * to that point. Everything here is an extra: the page works fully without it.
 */
(() => {
  const box = document.getElementById('search-map');
  const L = window.L;
  if (!box || !L || !box.getAttribute('data-map')) return;
  let data;
  try {
    data = JSON.parse(box.getAttribute('data-map'));
  } catch {
    return;
  }
  const form = document.getElementById('search-form');

  const holder = document.createElement('div');
  holder.className = 'kith-search-map__tiles';
  holder.setAttribute('aria-label', data.label);
  box.insertBefore(holder, box.firstChild);
  const svg = box.querySelector('svg');
  if (svg) svg.setAttribute('display', 'none');
  const hint = document.createElement('p');
  hint.className = 'govuk-body-s';
  hint.textContent = data.hint;
  holder.after(hint);

  const map = L.map(holder, { scrollWheelZoom: false });
  L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 }).addTo(map);

  // The view first: markers only get their elements once the map has one.
  const located = [...data.points, ...(data.origin ? [data.origin] : [])];
  if (located.length) {
    map.fitBounds(L.latLngBounds(located.map((p) => [p.lat, p.lon])).pad(0.2), { maxZoom: 15 });
  } else {
    const [west, south, east, north] = data.bbox;
    map.fitBounds([
      [south, west],
      [north, east],
    ]);
  }

  const pin = (lat, lon, className, title, text) => {
    const marker = L.marker([lat, lon], {
      icon: L.divIcon({ className, html: '', iconSize: [26, 26] }),
      title,
      keyboard: true,
    }).addTo(map);
    const element = marker.getElement();
    if (element) {
      element.textContent = text;
      element.setAttribute('aria-label', title);
    }
    return marker;
  };
  if (data.origin) pin(data.origin.lat, data.origin.lon, 'kith-map-origin', data.origin.title, '');
  for (const point of data.points) {
    const marker = pin(point.lat, point.lon, 'kith-map-pin', point.title, point.label);
    // A pin leads to its entry in the list, where the details are.
    marker.on('click', () => {
      const item = document.getElementById(`result-${point.label}`);
      if (item) {
        item.scrollIntoView({ block: 'center' });
        item.focus();
      }
    });
  }

  if (!form) return;
  const field = (name) => {
    let input = form.querySelector(`input[name="${name}"]`);
    if (!input) {
      input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      form.appendChild(input);
    }
    return input;
  };
  // Choosing a point searches again, nearest to it first; a ward or postcode would win over it.
  map.on('click', (event) => {
    field('lat').value = event.latlng.lat.toFixed(5);
    field('lng').value = event.latlng.lng.toFixed(5);
    for (const id of ['near', 'postcode']) {
      const input = form.querySelector(`#${id}`);
      if (input) input.value = '';
    }
    const sort = form.querySelector('#sort');
    if (sort) sort.value = 'distance';
    form.submit();
  });
})();
