// Saves a Blob (an export the server made) as a file download.
export function saveBlob(blob, filename) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

// A compact UTC timestamp for file names, e.g. 20261123004249.
export const fileStamp = () => new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
