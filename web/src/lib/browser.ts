/** Loads another page of ours afresh, replacing this one in the history (the document and all it
 * holds in memory go). One function, so tests can watch it: jsdom cannot navigate. */
export function replaceDocument(url: string): void {
  window.location.replace(url);
}
