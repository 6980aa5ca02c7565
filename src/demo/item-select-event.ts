/** What demo elements dispatch when the user chooses an item (a card, a map point). */
export interface ItemSelectDetail {
  id: string;
}

/** `item-select`, bubbling out of shadow roots so the page can open the item wherever it was chosen. */
export function itemSelectEvent(id: string): CustomEvent<ItemSelectDetail> {
  return new CustomEvent<ItemSelectDetail>('item-select', { detail: { id }, bubbles: true, composed: true });
}

declare global {
  interface HTMLElementEventMap {
    'item-select': CustomEvent<ItemSelectDetail>;
  }
}
