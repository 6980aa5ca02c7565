import { describe, expect, it } from 'vitest';
import { contentId, contentOfAttributes, productsOfJsonLd, sameOriginUrl } from '../../../src/widget/read-content-item.ts';

/** What the widget reads from host products without a catalog id: attributes and schema.org JSON-LD. */
const BASE = 'https://shop.example/products/index.html';

const attributes = (values: Record<string, string>) => (name: string) => values[name] ?? null;

describe('read-content-item', () => {
  it('keeps only http(s) URLs of the page origin', () => {
    expect(sameOriginUrl('car.png', BASE)).toBe('https://shop.example/products/car.png');
    expect(sameOriginUrl('/media/car.png', BASE)).toBe('https://shop.example/media/car.png');
    expect(sameOriginUrl('https://cdn.example/car.png', BASE)).toBeUndefined();
    expect(sameOriginUrl('//cdn.example/car.png', BASE)).toBeUndefined();
    expect(sameOriginUrl('data:image/png;base64,AAAA', BASE)).toBeUndefined();
    expect(sameOriginUrl('javascript:alert(1)', BASE)).toBeUndefined();
    expect(sameOriginUrl('', BASE)).toBeUndefined();
  });

  it('reads an element: title, description and same-origin files; a foreign picture is left out; no content is no item', () => {
    const car = contentOfAttributes(
      attributes({ 'data-rec-title': 'Old car', 'data-rec-image': '/m/car.svg', 'data-rec-audio': 'https://cdn.example/horn.ogg' }),
      BASE,
    );
    expect(car?.content).toEqual({ title: 'Old car', image: 'https://shop.example/m/car.svg' });
    expect(car?.id).toMatch(/^content:[0-9a-f]{16}$/);
    expect(contentOfAttributes(attributes({ 'data-rec-image': 'https://cdn.example/car.png' }), BASE)).toBeUndefined();
    // An empty title is passed on: the engine refuses it with a typed error.
    expect(contentOfAttributes(attributes({ 'data-rec-title': '' }), BASE)?.content).toEqual({ title: '' });
  });

  it('gives the same content the same id, and different content another', () => {
    const a = contentId({ title: 'Old car', image: 'https://shop.example/car.svg' });
    expect(contentId({ title: 'Old car', image: 'https://shop.example/car.svg' })).toBe(a);
    expect(contentId({ title: 'Old car' })).not.toBe(a);
    expect(contentId({ title: 'Old ca', description: 'r' })).not.toBe(contentId({ title: 'Old car' }));
  });

  it('finds schema.org Products in JSON-LD: top level, lists, @graph, image forms, and ids from sku / productID / @id', () => {
    const json = {
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'BreadcrumbList', name: 'not a product' },
        { '@type': 'Product', name: 'Old car', description: 'A car from 1920.', sku: 'SKU-1', image: ['/img/car.png', '/img/car-2.png'] },
        { '@type': ['Product', 'Vehicle'], name: 'Tram', productID: 'tram-7', image: { '@type': 'ImageObject', url: 'https://cdn.example/tram.png' } },
        { '@type': 'Product', '@id': 'https://shop.example/p/bus#product', image: { url: 'bus.png' } },
        { '@type': 'Product', offers: { price: 3 } },
      ],
    };
    expect(productsOfJsonLd(json, BASE)).toEqual([
      { id: 'SKU-1', content: { title: 'Old car', description: 'A car from 1920.', image: 'https://shop.example/img/car.png' } },
      { id: 'tram-7', content: { title: 'Tram' } },
      { id: 'https://shop.example/p/bus#product', content: { image: 'https://shop.example/products/bus.png' } },
    ]);
    expect(productsOfJsonLd([{ '@type': 'Product', name: 'Kite' }], BASE)).toEqual([{ id: contentId({ title: 'Kite' }), content: { title: 'Kite' } }]);
    expect(productsOfJsonLd('not json-ld', BASE)).toEqual([]);
  });
});
