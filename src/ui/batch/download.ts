// Saves text the page made as a file (the batch's CSV and JSON): a Blob behind a temporary link.
export function downloadText(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once click() returns; the next task may free the Blob.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
