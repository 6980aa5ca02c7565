// Stampede, an example shop: its own products, cart and pages. It knows nothing about the
// recommender; the only recommender code on its pages is the <script> + <ondevice-recs> snippet.
(function () {
  'use strict';

  var MEDIA = '/catalogs/tuxpaint/media/image/';
  var PRODUCTS = [
    { id: 'food/bread', title: 'Bread', price: 3.5, text: 'Eat your bread!' },
    { id: 'food/cheese', title: 'Cheese', price: 4.2, text: 'Say cheese!' },
    { id: 'food/fruit/apple_red', title: 'Red apple', price: 1.9, text: 'A red apple.' },
    { id: 'animals/birds/cartoon/tux', title: 'Tux', price: 5.0, text: 'Tux, the Linux mascot!' },
    { id: 'vehicles/auto/sedan', title: 'Sedan', price: 6.5, text: 'A sedan car.' },
    { id: 'vehicles/cycle/motorbike', title: 'Motorbike', price: 6.9, text: 'A motor bike.' },
    { id: 'vehicles/emergency/firetruck', title: 'Fire truck', price: 7.4, text: 'A fire truck.' },
    { id: 'vehicles/farming/cartoon/tractor', title: 'Tractor', price: 6.2, text: 'A tractor.' },
    { id: 'animals/birds/duck', title: 'Duck', price: 3.9, text: 'A duck.' },
    { id: 'animals/amphibians/frog', title: 'Frog', price: 3.7, text: 'A frog.' },
    { id: 'hobbies/music/string/violin', title: 'Violin', price: 8.0, text: 'A violin.' },
    { id: 'hobbies/kite', title: 'Kite', price: 4.8, text: 'A kite.' },
  ];
  /** Shown by "Show more stamps" (added to the page later). */
  var MORE_PRODUCTS = [
    { id: 'vehicles/construction/cartoon/bulldozer', title: 'Bulldozer', price: 7.9, text: 'A bulldozer. It pushes dirt with a big shovel.' },
    { id: 'hobbies/music/brass/trumpet', title: 'Trumpet', price: 7.5, text: 'A trumpet.' },
    { id: 'food/fruit/banana', title: 'Banana', price: 1.5, text: 'A banana.' },
    { id: 'vehicles/blue_truck', title: 'Blue truck', price: 6.8, text: 'A blue truck.' },
  ];
  var CART_KEY = 'stampede-cart';

  function formatPrice(price) {
    return '€' + price.toFixed(2);
  }

  function productUrl(id) {
    return 'product.html?id=' + encodeURIComponent(id);
  }

  // ---- cart (kept in this browser, like any small shop's) ----
  function cartCount() {
    return Number(localStorage.getItem(CART_KEY) || '0');
  }

  function addToCart() {
    localStorage.setItem(CART_KEY, String(cartCount() + 1));
    showCart();
  }

  function showCart() {
    var count = document.getElementById('cart-count');
    if (count) count.textContent = String(cartCount());
  }

  function cartButton(product) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'add-to-cart';
    button.textContent = 'Add to cart';
    button.setAttribute('aria-label', 'Add ' + product.title + ' to cart');
    button.addEventListener('click', addToCart);
    return button;
  }

  // ---- product grid (home page) ----
  function productCard(product) {
    var card = document.createElement('article');
    card.className = 'product';
    card.setAttribute('data-rec-item-id', product.id);
    var link = document.createElement('a');
    link.href = productUrl(product.id);
    link.className = 'product-link';
    var picture = document.createElement('img');
    picture.src = MEDIA + product.id + '.webp';
    picture.alt = '';
    picture.width = 256;
    picture.height = 256;
    var title = document.createElement('h3');
    title.textContent = product.title;
    link.append(picture, title);
    var price = document.createElement('p');
    price.className = 'price';
    price.textContent = formatPrice(product.price);
    card.append(link, price, cartButton(product));
    return card;
  }

  function renderGrid() {
    var grid = document.getElementById('product-grid');
    if (!grid) return;
    PRODUCTS.forEach(function (product) {
      grid.append(productCard(product));
    });
    var more = document.getElementById('show-more');
    if (more) {
      more.addEventListener('click', function () {
        MORE_PRODUCTS.forEach(function (product) {
          grid.append(productCard(product));
        });
        more.hidden = true;
      });
    }
  }

  // ---- product page ----
  /** A product that is not in the list above: read it from the shop's product feed (the catalog's manifest). */
  function fetchFeedProduct(id) {
    return fetch('/catalogs/tuxpaint/manifest.json')
      .then(function (response) {
        if (!response.ok) throw new Error('product feed answered ' + response.status);
        return response.json();
      })
      .then(function (feed) {
        var item = feed.items.find(function (entry) {
          return entry.id === id;
        });
        if (!item) return null;
        // A stable made-up price per product.
        var cents = 0;
        for (var i = 0; i < id.length; i++) cents = (cents * 31 + id.charCodeAt(i)) % 700;
        return { id: item.id, title: item.title, price: 1.5 + cents / 100, text: item.description || '' };
      });
  }

  function renderProduct() {
    var detail = document.getElementById('product-detail');
    if (!detail) return;
    var id = new URLSearchParams(location.search).get('id') || PRODUCTS[0].id;
    // The similar-items list follows the product shown.
    var similar = document.getElementById('similar');
    if (similar) similar.setAttribute('item-id', id);
    var known = PRODUCTS.concat(MORE_PRODUCTS).find(function (product) {
      return product.id === id;
    });
    var found = known ? Promise.resolve(known) : fetchFeedProduct(id);
    found
      .then(function (product) {
        if (!product) {
          detail.querySelector('h1').textContent = 'Product not found';
          return;
        }
        document.title = product.title + ' · Stampede';
        detail.setAttribute('data-rec-item-id', product.id);
        var picture = detail.querySelector('img');
        picture.src = MEDIA + product.id + '.webp';
        picture.alt = product.title;
        detail.querySelector('h1').textContent = product.title;
        detail.querySelector('.description').textContent = product.text;
        detail.querySelector('.price').textContent = formatPrice(product.price);
        detail.querySelector('.buy').append(cartButton(product));
      })
      .catch(function () {
        detail.querySelector('h1').textContent = 'This product could not be loaded';
      });
  }

  showCart();
  renderGrid();
  renderProduct();
})();
